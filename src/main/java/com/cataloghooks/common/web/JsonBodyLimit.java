package com.cataloghooks.common.web;

import com.cataloghooks.common.error.PayloadTooLargeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one limit of a JSON request body: 10 MiB (the HTTP layer's own limit is set far higher, for CSV uploads).
 * A body that announces a larger length is refused by {@link RequestGuard} before a byte of it is read; a body
 * without a length (chunked) is counted here as it is deserialised, and refused the moment it passes the limit,
 * so no more than the limit of it is ever read or held. Either way the answer is a problem+json 413, and
 * {@link TooLargeBodyGuard} closes the connection after it rather than read the rest.
 */
@Provider
public class JsonBodyLimit implements ReaderInterceptor {

    /** JSON bodies are read whole into objects; only uploads (CSV) may be larger. */
    public static final long MAX_BYTES = 10L * 1024 * 1024;

    /** Whether a body of this type is held to the JSON limit. */
    public static boolean appliesTo(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
    }

    public static PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException("body", "a JSON body may have at most " + MAX_BYTES + " bytes");
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!appliesTo(context.getMediaType())) {
            return context.proceed();
        }
        Bounded body = new Bounded(context.getInputStream());
        context.setInputStream(body);
        try {
            return context.proceed();
        } catch (IOException | RuntimeException e) {
            // the parser reports the stream's refusal in its own way (as it is, or wrapped with the field it was
            // reading): whatever it made of it, the body was too large
            if (body.exceeded) {
                throw tooLarge();
            }
            throw e;
        }
    }

    /** Counts what the reader takes and refuses to give more than the limit. */
    private static final class Bounded extends FilterInputStream {

        private long read;
        private boolean exceeded;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        /**
         * The request's own stream reads the rest of the body when closed, whatever its size, so that the connection
         * can carry the next request. Here the rest is read only while the body stays within the limit (a parser may
         * stop before the final chunk or trailing whitespace); past it, nothing more is read, the close fails like a
         * read, and the connection ends after the 413.
         */
        @Override
        public void close() throws IOException {
            if (exceeded) {
                return;
            }
            byte[] rest = new byte[8192];
            while (read(rest, 0, rest.length) >= 0) {
                // counted, and refused past the limit
            }
            super.close();
        }

        private void count(long n) throws IOException {
            read += n;
            if (read > MAX_BYTES) {
                exceeded = true;
                throw new IOException("the JSON body passed its limit of " + MAX_BYTES + " bytes");
            }
        }
    }
}
