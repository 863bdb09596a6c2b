package com.cataloghooks.product;

import com.cataloghooks.common.web.KeysetCursor;
import com.cataloghooks.common.web.PageRequest;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class ProductRepository implements PanacheRepositoryBase<Product, UUID> {

    /**
     * Products matching the filter, newest first; the total counts all matches. With a cursor, the page starts
     * right after it (and the offset is 0) and nothing is counted; one product more than the limit is read to tell
     * whether more follow.
     */
    Result search(ProductFilter filter, PageRequest page, KeysetCursor after) {
        return search(filter, page, after, after == null);
    }

    /** As above; {@code counted} false never counts the matches (a console browsing 500,000 rows by key). */
    Result search(ProductFilter filter, PageRequest page, KeysetCursor after, boolean counted) {
        Where where = where(filter);
        StringBuilder clause = new StringBuilder(where.clause());
        Parameters params = new Parameters();
        where.params().forEach(params::and);
        Long total = counted ? count(clause.toString(), params) : null;
        if (after != null) {
            // a row comparison, so PostgreSQL starts the index scan right at the cursor instead of filtering
            clause.append(" and (createdAt, id) < (:afterTime, :afterId)");
            params.and("afterTime", after.createdAt()).and("afterId", after.id());
        }
        PanacheQuery<Product> query = find(clause.toString(),
                Sort.by("createdAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending), params);
        List<Product> items = query.range(page.offset(), page.offset() + page.limit()).list();
        boolean more = items.size() > page.limit();
        return new Result(more ? items.subList(0, page.limit()) : items, total, more);
    }

    /**
     * The filter as a condition with named parameters. It names only columns whose property has the same name,
     * so it reads the same in JPQL and in SQL.
     */
    static Where where(ProductFilter filter) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.sku() != null) {
            where.append(" and lower(sku) = lower(:sku)");
            params.put("sku", filter.sku());
        }
        if (filter.name() != null) {
            where.append(" and lower(name) like :name escape '\\'");
            params.put("name", containsPattern(filter.name()));
        }
        if (filter.active() != null) {
            where.append(" and active = :active");
            params.put("active", filter.active());
        }
        if (filter.q() != null) {
            where.append(" and (lower(sku) like :q escape '\\' or lower(name) like :q escape '\\'"
                    + " or lower(coalesce(description, '')) like :q escape '\\')");
            params.put("q", containsPattern(filter.q()));
        }
        return new Where(where.toString(), params);
    }

    long count(ProductFilter filter) {
        Where where = where(filter);
        Parameters params = new Parameters();
        where.params().forEach(params::and);
        return count(where.clause(), params);
    }

    /** User text is matched literally: LIKE wildcards in it are escaped. */
    private static String containsPattern(String text) {
        String escaped = text.toLowerCase()
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_");
        return "%" + escaped + "%";
    }

    /** {@code total} is null for a page read by key (not counted). */
    record Result(List<Product> items, Long total, boolean more) {
    }

    record Where(String clause, Map<String, Object> params) {
    }
}
