package com.cataloghooks.task;

/** A task's life: queued → running → completed | failed | cancelled (a queued task may be cancelled too). */
public enum TaskStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    static TaskStatus fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
