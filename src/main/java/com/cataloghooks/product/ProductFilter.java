package com.cataloghooks.product;

import com.cataloghooks.common.web.QueryParams;

/** List filters; {@code null} means "any". */
public record ProductFilter(String sku, String name, Boolean active, String q) {

    /** From query or form parameters, by the API's rules (a 400 naming the parameter when one is wrong). */
    public static ProductFilter parse(String sku, String name, String active, String q) {
        return new ProductFilter(
                QueryParams.textParam("sku", sku, 100),
                QueryParams.textParam("name", name, 255),
                QueryParams.boolParam("active", active),
                QueryParams.textParam("q", q, 255));
    }

    public boolean isEmpty() {
        return sku == null && name == null && active == null && q == null;
    }
}
