-- Background change sets on the catalog: CSV imports and bulk deletes. The replica that accepted a task holds its
-- input and runs it; it refreshes heartbeat_at while the task is unfinished, so a task whose replica died is
-- found (heartbeat too old) and ended as failed instead of staying "running" forever.
CREATE TABLE import_tasks (
    id               uuid         PRIMARY KEY,
    kind             varchar(16)  NOT NULL CHECK (kind IN ('import', 'bulk_delete')),
    status           varchar(16)  NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    filename         varchar(255),
    total_rows       bigint,
    processed_rows   bigint       NOT NULL DEFAULT 0,
    created          bigint       NOT NULL DEFAULT 0,
    updated          bigint       NOT NULL DEFAULT 0,
    deleted          bigint       NOT NULL DEFAULT 0,
    errors           bigint       NOT NULL DEFAULT 0,
    error_samples    jsonb        NOT NULL DEFAULT '[]'::jsonb,
    error            text,
    cancel_requested boolean      NOT NULL DEFAULT false,
    owner            varchar(64)  NOT NULL,
    heartbeat_at     timestamptz  NOT NULL,
    created_at       timestamptz  NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE INDEX import_tasks_recent_idx ON import_tasks (kind, created_at DESC, id DESC);
CREATE INDEX import_tasks_unfinished_idx ON import_tasks (heartbeat_at) WHERE status IN ('queued', 'running');
