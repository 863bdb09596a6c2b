package com.cataloghooks.importing;

import com.cataloghooks.common.config.CatalogConfig;
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
import java.util.UUID;

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

    public ImportService(TaskRunner runner, ProductBulkWriter writer, UploadStore uploads, CatalogConfig config) {
        this.runner = runner;
        this.writer = writer;
        this.uploads = uploads;
        this.config = config;
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

        @Override
        public void run(TaskProgress progress) throws Exception {
            int batchSize = config.imports().batchSize();
            List<ProductRow> rows = new ArrayList<>(batchSize);
            List<RowError> errors = new ArrayList<>();
            try (CsvProductReader reader = CsvProductReader.open(file)) {
                CsvProductReader.Record record;
                while ((record = reader.next()) != null) {
                    Object checked = ImportRowRules.check(record);
                    if (checked instanceof ProductRow row) {
                        rows.add(row);
                    } else {
                        errors.add((RowError) checked);
                    }
                    if (rows.size() + errors.size() == batchSize) {
                        write(rows, errors, progress);
                        rows = new ArrayList<>(batchSize);
                        errors = new ArrayList<>();
                    }
                }
            }
            if (!rows.isEmpty() || !errors.isEmpty()) {
                write(rows, errors, progress);
            }
        }

        private void write(List<ProductRow> rows, List<RowError> errors, TaskProgress progress) {
            QuarkusTransaction.requiringNew().run(() -> {
                ProductBulkWriter.Counts counts = writer.upsert(rows);
                progress.record(ProgressStep.imported(rows.size() + errors.size(), counts.created(),
                        counts.updated(), errors));
            });
            progress.checkpoint();
        }

        @Override
        public void close() {
            uploads.delete(file);
        }
    }
}
