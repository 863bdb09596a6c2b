package com.cataloghooks.importing;

import com.cataloghooks.task.TaskFailedException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an uploaded product CSV record by record (Jackson's streaming CSV parser: quoted fields, commas and line
 * breaks inside quotes), so memory stays flat whatever the file's size. UTF-8, with or without a byte-order mark.
 * The header names the columns, in any order and any case; {@code sku} and {@code name} are required,
 * {@code description} and {@code active} optional, other columns ignored.
 */
final class CsvProductReader implements Closeable {

    private static final CsvFactory FACTORY = new CsvFactory();
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int MAX_COLUMNS = 1000;

    private final CsvParser parser;
    private final int sku;
    private final int name;
    private final int description;
    private final int active;
    private final int width;
    private final List<String> values = new ArrayList<>();
    private long row = 1;

    private CsvProductReader(CsvParser parser, List<String> header) throws TaskFailedException {
        this.parser = parser;
        this.sku = column(header, "sku", true);
        this.name = column(header, "name", true);
        this.description = column(header, "description", false);
        this.active = column(header, "active", false);
        this.width = Math.max(Math.max(sku, name), Math.max(description, active)) + 1;
    }

    /** Opens the file and reads its header; fails the task when there is no usable header. */
    static CsvProductReader open(Path file) throws IOException, TaskFailedException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            skipBom(in);
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
            CsvParser parser = FACTORY.createParser(reader);
            parser.setSchema(CsvSchema.emptySchema());
            // the file is one array of records, each record an array of values
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            List<String> header = new ArrayList<>();
            if (parser.nextToken() != JsonToken.START_ARRAY || !readRecord(parser, header, MAX_COLUMNS + 1)) {
                throw new TaskFailedException("the file is empty: the first line must be a header naming the"
                        + " columns sku and name");
            }
            if (header.size() > MAX_COLUMNS) {
                throw new TaskFailedException("the header names more than " + MAX_COLUMNS + " columns");
            }
            return new CsvProductReader(parser, header);
        } catch (IOException e) {
            in.close();
            throw unreadable(e, null);
        } catch (TaskFailedException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The next data record, or null at the end of the file. Blank lines are skipped (but keep their number). */
    Record next() throws TaskFailedException {
        do {
            try {
                if (!readRecord(parser, values, width)) {
                    return null;
                }
            } catch (IOException e) {
                throw unreadable(e, row + 1);
            }
            row++;
        } while (values.size() == 1 && values.get(0).isEmpty());
        return new Record(row, value(sku), value(name), value(description), value(active));
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    private String value(int index) {
        return index >= 0 && index < values.size() ? values.get(index) : null;
    }

    /** Reads one record, keeping its first {@code width} values: the columns after the last one used are skipped. */
    private static boolean readRecord(CsvParser parser, List<String> into, int width) throws IOException {
        into.clear();
        JsonToken token = parser.nextToken();
        if (token != JsonToken.START_ARRAY) {
            return false;
        }
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            if (into.size() < width) {
                into.add(parser.getText());
            }
        }
        return true;
    }

    private static int column(List<String> header, String wanted, boolean required) throws TaskFailedException {
        int found = -1;
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                if (found >= 0) {
                    throw new TaskFailedException("the header names the column '" + wanted + "' twice");
                }
                found = i;
            }
        }
        if (found < 0 && required) {
            throw new TaskFailedException("the header lacks the required column '" + wanted + "' (it must name"
                    + " sku and name; found: " + String.join(", ", header.stream().map(String::trim).toList()) + ")");
        }
        return found;
    }

    private static void skipBom(InputStream in) throws IOException {
        in.mark(BOM.length);
        byte[] start = in.readNBytes(BOM.length);
        if (!java.util.Arrays.equals(start, BOM)) {
            in.reset();
        }
    }

    private static TaskFailedException unreadable(IOException e, Long row) {
        if (e instanceof CharacterCodingException) {
            return new TaskFailedException("the file is not valid UTF-8" + near(row), e);
        }
        if (e instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            String where = at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ")" : near(row);
            return new TaskFailedException("the file cannot be read as CSV: " + json.getOriginalMessage() + where, e);
        }
        return new TaskFailedException("the file cannot be read: " + e.getMessage(), e);
    }

    private static String near(Long row) {
        return row == null ? "" : " (at row " + row + ")";
    }

    /** One data record as read; {@code row} counts the header as row 1. Missing cells are null. */
    record Record(long row, String sku, String name, String description, String active) {
    }
}
