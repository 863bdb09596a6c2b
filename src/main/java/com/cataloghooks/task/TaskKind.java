package com.cataloghooks.task;

import com.cataloghooks.common.event.EventType;

/**
 * What a background task does. An import announces itself to webhooks ({@code import.started|completed|failed});
 * a bulk delete announces each product it deletes instead, so it has no task-level events; a replay sends
 * deliveries, not events.
 */
public enum TaskKind {
    IMPORT("import", EventType.IMPORT_STARTED, EventType.IMPORT_COMPLETED, EventType.IMPORT_FAILED),
    BULK_DELETE("bulk_delete", null, null, null),
    /**
     * Re-queues a webhook's finished deliveries and plans the events it missed; announces nothing itself. Its
     * {@code filename} names the webhook ({@code webhook <id>}).
     */
    REPLAY("replay", null, null, null);

    private final String wireName;
    private final EventType started;
    private final EventType completed;
    private final EventType failed;

    TaskKind(String wireName, EventType started, EventType completed, EventType failed) {
        this.wireName = wireName;
        this.started = started;
        this.completed = completed;
        this.failed = failed;
    }

    public String wireName() {
        return wireName;
    }

    EventType startedEvent() {
        return started;
    }

    EventType completedEvent() {
        return completed;
    }

    EventType failedEvent() {
        return failed;
    }

    static TaskKind fromWire(String value) {
        for (TaskKind kind : values()) {
            if (kind.wireName.equals(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown task kind " + value);
    }
}
