-- Products: SKU unique regardless of case.
CREATE TABLE products (
    id          uuid         PRIMARY KEY,
    sku         varchar(100) NOT NULL,
    name        varchar(255) NOT NULL,
    description text,
    active      boolean      NOT NULL DEFAULT true,
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL
);
CREATE UNIQUE INDEX products_sku_ci_uq ON products (lower(sku));
CREATE INDEX products_created_idx ON products (created_at DESC, id DESC);

-- Transactional outbox: written in the same transaction as the change it describes,
-- published to Kafka by the relay, marked once the broker acknowledged it.
CREATE TABLE outbox_events (
    id           uuid        PRIMARY KEY,
    event_type   varchar(64) NOT NULL,
    aggregate_id varchar(64) NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_events_unpublished_idx ON outbox_events (created_at) WHERE published_at IS NULL;

-- Webhook subscriptions (the seed's columns).
CREATE TABLE webhooks (
    id                uuid         PRIMARY KEY,
    url               varchar(500) NOT NULL,
    events            text[]       NOT NULL,
    is_active         boolean      NOT NULL DEFAULT true,
    secret            varchar(255),
    description       text,
    headers           jsonb        NOT NULL DEFAULT '{}'::jsonb,
    retry_count       integer      NOT NULL DEFAULT 3 CHECK (retry_count BETWEEN 0 AND 10),
    timeout_seconds   integer      NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 1 AND 300),
    last_triggered_at timestamptz,
    last_error        text,
    success_count     bigint       NOT NULL DEFAULT 0,
    failure_count     bigint       NOT NULL DEFAULT 0,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL
);
CREATE INDEX webhooks_active_idx ON webhooks (is_active);

-- One row per (event, webhook): recorded before anything is sent, so a delivery survives any crash.
CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY,
    event_id        uuid        NOT NULL,
    webhook_id      uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type      varchar(64) NOT NULL,
    body            text        NOT NULL,
    status          varchar(16) NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_owner     varchar(64),
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    CONSTRAINT webhook_deliveries_event_webhook_uq UNIQUE (event_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_lease_idx ON webhook_deliveries (lease_until) WHERE status = 'in_flight';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id);

-- One row per attempt, test sends included.
CREATE TABLE webhook_logs (
    id               uuid         PRIMARY KEY,
    webhook_id       uuid         NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    delivery_id      uuid         REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
    event_id         uuid,
    event            varchar(100) NOT NULL,
    attempt          integer      NOT NULL,
    payload          jsonb        NOT NULL,
    status_code      integer,
    response_body    text,
    response_time_ms integer,
    error            text,
    test             boolean      NOT NULL DEFAULT false,
    created_at       timestamptz  NOT NULL
);
CREATE INDEX webhook_logs_webhook_created_idx ON webhook_logs (webhook_id, created_at DESC);
