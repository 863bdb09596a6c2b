package com.cataloghooks.console.imports;

import com.cataloghooks.console.FormErrors;

/** The upload form: the limit it states (and its script checks first) and the service's refusal, if any. */
public record UploadForm(FormErrors errors, long maxSize) {

    /** The refusal that concerns the file (its content, type, size or name), shown next to the file input. */
    public String fileError() {
        String file = errors.on("file");
        return file != null ? file : errors.on("filename");
    }

    public String maxSizeText() {
        if (maxSize % (1024 * 1024) == 0) {
            return maxSize / (1024 * 1024) + " MB";
        }
        return String.format(java.util.Locale.ROOT, "%,d bytes", maxSize);
    }
}
