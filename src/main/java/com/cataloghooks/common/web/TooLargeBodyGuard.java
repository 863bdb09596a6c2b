package com.cataloghooks.common.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Ends the connection after a 413 answered before the request body was all received ({@link JsonBodyLimit},
 * the upload limit). Left open, an HTTP/1.1 connection is only usable again once the rest of the body has been
 * read and thrown away, so the server would go on reading what it has just refused (hundreds of megabytes,
 * maybe): instead the answer says {@code Connection: close}, and the connection is closed once it is written.
 */
public class TooLargeBodyGuard {

    @ServerResponseFilter
    public void closeAfterRefusal(ContainerRequestContext context, ContainerResponseContext response,
                                  RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (response.getStatus() != 413 || !RequestGuard.hasBody(context) || request.isEnded()
                || request.version() == HttpVersion.HTTP_2) {
            return; // HTTP/2 ends the one stream, not the connection other requests share
        }
        response.getHeaders().putSingle("Connection", "close");
        // RoutingContext's end handlers add to one another; the response's single end handler may be taken
        routing.addEndHandler(ended -> request.connection().close());
    }
}
