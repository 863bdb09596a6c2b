package com.cataloghooks.importing;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.LockConflicts;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.UnsupportedMediaException;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.product.ProductBulkWriter;
import com.cataloghooks.product.ProductRow;
import com.cataloghooks.task.ProgressStep;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskProgress;
import com.cataloghooks.task.TaskRunner;
import com.cataloghooks.task.TaskWork;
import com.cataloghooks.task.api.RowError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Product imports from CSV. An import is one change set: it announces itself with {@code import.started},
 * {@code import.completed} or {@code import.failed}, and its rows do not emit {@code product.*} events one by one.
 * Rows are upserted by SKU in batches of {@code catalog.imports.batch-size}, each batch one transaction together with
 * the task's progress, so a failure or cancel leaves whole batches behind and the counts tell exactly which.
 */
@ApplicationScoped
public class ImportService {

    private final TaskRunner runner;
    private final ProductBulkWriter writer;
    private final UploadStore uploads;
    private final CatalogConfig config;
    /** Writes batches, one import's at a time each, while the import's own thread reads the next. */
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "import-writer");
        thread.setDaemon(true);
        return thread;
    });

    public ImportService(TaskRunner runner, ProductBulkWriter writer, UploadStore uploads, CatalogConfig config) {
        this.runner = runner;
        this.writer = writer;
        this.uploads = uploads;
        this.config = config;
    }

    /** What browsers and tools label a .csv file part with, besides text/csv. */
    private static final Set<String> CSV_PART_TYPES = Set.of("text/csv", "application/csv", "text/plain",
            "application/vnd.ms-excel", "application/octet-stream");

    /**
     * Imports a file that Quarkus stored from a multipart upload (the API's and the console's), after the checks
     * every such upload passes, in this order: a CSV part by its content type (415), UTF-8 (415), a usable file
     * name (400), then not over {@code catalog.imports.max-upload-size} (413) and not empty (400).
     *
     * @param contentType the part's content type, may be null
     * @param charset     the part's charset, may be null
     * @param filename    the name to show, may be null ({@code upload.csv})
     * @return the task id
     */
    public UUID startUpload(Path uploaded, String contentType, String charset, String filename) {
        String type = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type != null && !type.isEmpty() && !CSV_PART_TYPES.contains(type)) {
            throw new UnsupportedMediaException("file", "must be a CSV file (text/csv), not " + type);
        }
        requireUtf8("file", charset);
        String name = filename(filename);
        return start(uploads.adopt(uploaded), name);
    }

    /** The largest upload accepted, in bytes ({@code catalog.imports.max-upload-size}). */
    public long maxUploadSize() {
        return uploads.limit();
    }

    static void requireUtf8(String field, String charset) {
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            throw new UnsupportedMediaException(field, "the CSV must be UTF-8, not " + charset);
        }
    }

    static String filename(String raw) {
        String name = QueryParams.textParam("filename", raw, 255);
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("filename", "must not contain line breaks or control characters");
        }
        return name == null ? "upload.csv" : name;
    }

    /** Queues the import of a stored upload, which it then owns (and deletes at the end); returns the task id. */
    UUID start(Path file, String filename) {
        try {
            return runner.submit(TaskKind.IMPORT, filename, new CsvImport(file));
        } catch (RuntimeException e) {
            uploads.delete(file);
            throw e;
        }
    }

    /**
     * Text per batch at most (about 16 MB in Java strings): a file of long descriptions gets smaller batches, so
     * memory stays bounded (two batches live at once, one being read, one being written).
     */
    private static final long BATCH_CHARS = 8_000_000;

    /** Waits for a batch write; its failure (a cancel or stop included) becomes the import's. */
    private static void finish(CompletableFuture<Void> writing) {
        try {
            writing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Rows read and checked, waiting to be written together. */
    private static final class Batch {
        private final List<ProductRow> rows;
        private final List<RowError> errors = new ArrayList<>();
        private long chars;

        Batch(int capacity) {
            this.rows = new ArrayList<>(capacity);
        }

        void add(Object checked) {
            if (checked instanceof ProductRow row) {
                rows.add(row);
                chars += row.sku().length() + row.name().length()
                        + (row.description() == null ? 0 : row.description().length());
            } else {
                errors.add((RowError) checked);
            }
        }

        int size() {
            return rows.size() + errors.size();
        }

        /** The batch in {@code lanes} parts: a SKU always lands in the same part; row errors go with the first. */
        List<Batch> split(int lanes) {
            if (lanes == 1) {
                return List.of(this);
            }
            List<Batch> parts = new ArrayList<>(lanes);
            for (int i = 0; i < lanes; i++) {
                parts.add(new Batch(rows.size() / lanes + 1));
            }
            for (ProductRow row : rows) {
                parts.get(Math.floorMod(row.skuKey().hashCode(), lanes)).rows.add(row);
            }
            parts.get(0).errors.addAll(errors);
            return parts;
        }
    }

    private final class CsvImport implements TaskWork {

        private final Path file;

        CsvImport(Path file) {
            this.file = file;
        }

        @Override
        public long count() throws Exception {
            long rows = 0;
            try (CsvProductReader reader = CsvProductReader.open(file)) {
                while (reader.next() != null) {
                    rows++;
                }
            }
            return rows;
        }

        /**
         * Reads and checks the next batch while the previous one is being written: parsing and the database work
         * side by side. A batch is written through {@code catalog.imports.writers} connections at once, split by
         * SKU, so that the database works on several cores; at most one batch is in flight.
         */
        @Override
        public void run(TaskProgress progress) throws Exception {
            int batchSize = config.imports().batchSize();
            int lanes = config.imports().writers();
            CompletableFuture<Void> writing = CompletableFuture.completedFuture(null);
            try (CsvProductReader reader = CsvProductReader.open(file)) {
                Batch batch = new Batch(batchSize);
                CsvProductReader.Record record;
                while ((record = reader.next()) != null) {
                    batch.add(ImportRowRules.check(record));
                    if (batch.size() == batchSize || batch.chars >= BATCH_CHARS) {
                        finish(writing);
                        writing = write(batch.split(lanes), progress);
                        batch = new Batch(batchSize);
                    }
                }
                finish(writing);
                if (batch.size() > 0) {
                    writing = write(batch.split(lanes), progress);
                    finish(writing);
                }
            } finally {
                writing.handle((done, failure) -> null).join();
            }
        }

        /** Writes the parts of a batch side by side; done when all are (failed if one failed). */
        private CompletableFuture<Void> write(List<Batch> parts, TaskProgress progress) {
            return CompletableFuture.allOf(parts.stream()
                    .filter(part -> part.size() > 0)
                    .map(part -> CompletableFuture.runAsync(() -> write(part, progress), writers))
                    .toArray(CompletableFuture[]::new));
        }

        /** Writes one batch, unless the task must stop first (a batch that has begun completes). */
        private void write(Batch batch, TaskProgress progress) {
            progress.checkpoint();
            LockConflicts.retry(() -> QuarkusTransaction.requiringNew().call(() -> {
                ProductBulkWriter.Counts counts = writer.upsert(batch.rows);
                progress.record(ProgressStep.imported(batch.size(), counts.created(), counts.updated(),
                        batch.errors));
                return counts;
            }));
        }

        @Override
        public void close() {
            uploads.delete(file);
        }
    }
}
