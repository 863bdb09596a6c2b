package com.cataloghooks.importing;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.PayloadTooLargeException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Uploaded files on this replica's disk ({@code catalog.imports.directory}) until their import ends. Bodies are
 * copied as they arrive, a buffer at a time, and refused with 413 once they pass the upload limit.
 */
@ApplicationScoped
class UploadStore {

    private static final Logger LOG = Logger.getLogger(UploadStore.class);

    private final Path directory;
    private final long limit;

    UploadStore(CatalogConfig config) {
        this.directory = Path.of(config.imports().directory()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "catalog-imports").toString()));
        this.limit = config.imports().maxUploadSize().asLongValue();
    }

    /**
     * Deletes uploads left by a crashed or killed process (a finished import deletes its own). Only old ones:
     * several replicas may share the directory on one machine, and no import runs for a day.
     */
    void sweep(@Observes StartupEvent event) {
        Instant cutoff = Instant.now().minus(Duration.ofDays(1));
        for (Path dir : List.of(directory, directory.resolve("multipart"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                        delete(file);
                    }
                }
            } catch (IOException e) {
                LOG.warnf("could not look for old uploads in %s: %s", dir, e.getMessage());
            }
        }
    }

    long limit() {
        return limit;
    }

    /** Stores a request body; refuses an empty one and one over the limit. */
    Path save(InputStream body) {
        Path file = newFile();
        long size = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = body.read(buffer)) > 0) {
                size += read;
                if (size > limit) {
                    throw tooLarge();
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException | RuntimeException e) {
            delete(file);
            throw e instanceof IOException io ? new UncheckedIOException("upload could not be stored", io)
                    : (RuntimeException) e;
        }
        return refuseEmpty(file, size, "body");
    }

    /** Takes over a file Quarkus stored from a multipart upload. */
    Path adopt(Path uploaded) {
        Path file = newFile();
        try {
            long size = Files.size(uploaded);
            if (size > limit) {
                throw tooLarge();
            }
            Files.move(uploaded, file, StandardCopyOption.REPLACE_EXISTING);
            return refuseEmpty(file, size, "file");
        } catch (IOException e) {
            throw new UncheckedIOException("upload could not be stored", e);
        }
    }

    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("could not delete upload %s: %s", file, e.getMessage());
        }
    }

    PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException("file", "the upload is larger than the limit of " + limit + " bytes"
                + " (catalog.imports.max-upload-size)");
    }

    private Path refuseEmpty(Path file, long size, String field) {
        if (size == 0) {
            delete(file);
            throw new InvalidInputException(field, "is empty: a CSV file needs a header row naming sku and name");
        }
        return file;
    }

    private Path newFile() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("upload directory " + directory + " cannot be created", e);
        }
        return directory.resolve("import-" + UUID.randomUUID() + ".csv");
    }
}
