-- The console playground's inbox (com.cataloghooks.console.playground): requests built exactly as the sender would
-- build them, kept for the person who made them so any replica can show them. Bounded by the application: at most
-- 50 rows per principal, one hour each, bodies of at most 64 KiB (checked here too); expired rows are purged on write.
CREATE TABLE playground_inbox (
    id                uuid         PRIMARY KEY,
    principal         varchar(255) NOT NULL,
    received_at       timestamptz  NOT NULL DEFAULT now(),
    expires_at        timestamptz  NOT NULL,
    webhook_id        uuid,                                  -- whose secrets signed it; no foreign key: a deleted webhook's rows just stop verifying
    playground_secret text,                                  -- or a secret made for this request, encrypted like webhook secrets
    event             varchar(64)  NOT NULL,
    url               varchar(500),
    headers           text         NOT NULL,                 -- JSON object, in the order sent; custom header values masked
    body              text         NOT NULL CHECK (octet_length(body) <= 65536)
);

CREATE INDEX playground_inbox_principal ON playground_inbox (principal, received_at DESC);
CREATE INDEX playground_inbox_expires_at ON playground_inbox (expires_at);
