package com.cataloghooks.delivery.history;

import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The start of a receiver's answer, kept as text a database column accepts: at most {@code limit} characters,
 * decoded as UTF-8 with invalid sequences and NUL replaced by U+FFFD. Takes the body piece by piece as it arrives
 * and says when it has enough, so the rest is never read.
 */
public final class ResponseText {

    static final char REPLACEMENT = '\uFFFD';

    private final int limit;
    private final Buffer kept = Buffer.buffer();
    private final int byteLimit;
    private boolean truncated;

    public ResponseText(int limit) {
        this.limit = limit;
        // a character takes at most 4 bytes in UTF-8; one more keeps a sequence cut at the edge from looking invalid
        this.byteLimit = limit * 4 + 4;
    }

    /** @return whether enough has been kept: the caller stops reading */
    public boolean add(Buffer chunk) {
        int room = byteLimit - kept.length();
        if (chunk.length() > room) {
            kept.appendBuffer(chunk, 0, room);
            truncated = true;
        } else {
            kept.appendBuffer(chunk);
        }
        return kept.length() >= byteLimit;
    }

    /** The text kept, or null when the answer had no body. */
    public String text() {
        if (kept.length() == 0) {
            return null;
        }
        return clean(kept.getBytes(), limit, truncated || kept.length() >= byteLimit);
    }

    /** Text that PostgreSQL accepts: NUL replaced, at most {@code limit} characters (null stays null). */
    public static String clean(String text, int limit) {
        if (text == null) {
            return null;
        }
        String cut = cut(text, limit);
        return cut.indexOf('\0') < 0 ? cut : cut.replace('\0', REPLACEMENT);
    }

    private static String clean(byte[] bytes, int limit, boolean cutShort) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer chars = CharBuffer.allocate(bytes.length + 1);
        decoder.decode(ByteBuffer.wrap(bytes), chars, !cutShort);
        if (!cutShort) {
            decoder.flush(chars);
        }
        chars.flip();
        return clean(chars.toString(), limit);
    }

    /** At most {@code limit} characters, never ending in half a surrogate pair. */
    private static String cut(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        if (limit <= 0) {
            return "";
        }
        int end = Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
        return text.substring(0, end);
    }
}
