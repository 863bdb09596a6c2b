package com.cataloghooks.testsupport;

import io.restassured.RestAssured;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request written by hand on a socket, so a test sees exactly what the server answers while (or before) the
 * body is sent, and how much of the body had been sent by then; HTTP client libraries hide an early answer behind
 * a broken pipe.
 */
public final class RawHttp {

    /** Writes a request body; the stream counts what it is given. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /**
     * What came back.
     *
     * @param text             the response head and body as text
     * @param sentWhenAnswered body bytes the client had written when the first byte of the answer arrived
     * @param sentInAll        body bytes the client could write before the body ended or the server stopped reading
     * @param bodyCompleted    whether the client wrote the whole body
     */
    public record Answer(String text, long sentWhenAnswered, long sentInAll, boolean bodyCompleted) {
    }

    private RawHttp() {
    }

    /**
     * POSTs to {@code path} with the dev key, on a connection the client keeps alive (as most clients do): closing
     * it after an early answer is the server's business. The body is written on its own thread while the answer is
     * read; once the answer is in, the body may still be written for up to {@code drainSeconds} (so a test can tell
     * whether the server went on reading it), then the client closes the connection.
     */
    public static Answer post(String path, String contentType, String lengthHeader, Body body, int drainSeconds)
            throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream raw = socket.getOutputStream();
            raw.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType + "\r\n"
                    + "Authorization: " + TestAuth.BEARER + "\r\n"
                    + lengthHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            raw.flush();
            OutputStream counting = new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    sent.addAndGet(len);
                }
            };
            CompletableFuture<Boolean> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    body.write(counting);
                    counting.flush();
                    return true;
                } catch (IOException e) {
                    return false; // the server stopped reading and closed the connection
                }
            });
            InputStream in = socket.getInputStream();
            int first = in.read();
            long sentWhenAnswered = sent.get();
            String answer = first < 0 ? "" : (char) first + readRest(in);
            boolean completed;
            try {
                completed = sending.get(drainSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                completed = false; // the server neither reads nor closes: closing the socket ends the writer
            }
            socket.close();
            sending.handle((done, failure) -> done).get(30, TimeUnit.SECONDS);
            return new Answer(answer, sentWhenAnswered, sent.get(), completed);
        }
    }

    /** Writes {@code text} as one chunk of a chunked body. */
    public static void chunk(OutputStream out, byte[] text) throws IOException {
        out.write((Integer.toHexString(text.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(text);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Ends a chunked body. */
    public static void lastChunk(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readRest(InputStream in) throws IOException {
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
