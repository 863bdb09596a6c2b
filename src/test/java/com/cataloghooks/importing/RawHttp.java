package com.cataloghooks.importing;

import io.restassured.RestAssured;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An upload written by hand on a socket, so a test sees exactly what the server answers while (or before) the
 * body is sent; HTTP client libraries hide an early answer behind a broken pipe.
 */
final class RawHttp {

    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private RawHttp() {
    }

    /** POSTs text/csv to the import endpoint; returns the response head and body as text. */
    static String post(String lengthHeader, Body body) throws Exception {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/products/imports HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                    + "Authorization: " + com.cataloghooks.testsupport.TestAuth.BEARER + "\r\n"
                    + lengthHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the body goes on its own thread: the answer may come, and the connection close, before it is all sent
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    body.write(out);
                    out.flush();
                } catch (IOException e) {
                    // the server stopped reading: expected once it has refused the upload
                }
            });
            String answer = readAll(socket.getInputStream());
            sending.get(30, TimeUnit.SECONDS);
            return answer;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        int read;
        try {
            while ((read = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                if (text.indexOf("\r\n\r\n") > 0 && text.indexOf("}") > 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // a reset after the answer arrived
        }
        return text.toString();
    }
}
