-- Encrypted secrets are longer than the secrets themselves (nonce, tag, base64, key id): a 255-character secret
-- sealed is about 380 characters, which varchar(255) refused.
ALTER TABLE webhooks ALTER COLUMN secret TYPE text;

-- Secret rotation: the secret replaced by the last rotation keeps signing (as a second signature) until it expires.
ALTER TABLE webhooks ADD COLUMN previous_secret text;
ALTER TABLE webhooks ADD COLUMN previous_secret_expires_at timestamptz;

-- Why the service (not a user) deactivated the webhook, and since when its deliveries have all failed.
ALTER TABLE webhooks ADD COLUMN disabled_reason text;
ALTER TABLE webhooks ADD COLUMN disabled_at timestamptz;
ALTER TABLE webhooks ADD COLUMN failing_since timestamptz;

-- The receiver's circuit breaker as its replicas last reported it; claims skip the webhook while it is open.
ALTER TABLE webhooks ADD COLUMN breaker_state varchar(16) NOT NULL DEFAULT 'closed'
    CHECK (breaker_state IN ('closed', 'open', 'half_open'));
ALTER TABLE webhooks ADD COLUMN breaker_open_until timestamptz;

-- Payload filter (Convoy's operators) and ordered delivery.
ALTER TABLE webhooks ADD COLUMN filter jsonb;
ALTER TABLE webhooks ADD COLUMN ordered boolean NOT NULL DEFAULT false;

-- Per-webhook rate limit, counted over all replicas in fixed one-second windows of the database clock.
ALTER TABLE webhooks ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second BETWEEN 1 AND 10000);
ALTER TABLE webhooks ADD COLUMN rate_window_start timestamptz;
ALTER TABLE webhooks ADD COLUMN rate_window_used integer NOT NULL DEFAULT 0;
-- Every claim looks for rate-limited webhooks: few, found without reading the others.
CREATE INDEX webhooks_rate_limited_idx ON webhooks (id) WHERE rate_limit_per_second IS NOT NULL AND is_active;

-- Replays of a webhook's deliveries run as background tasks.
ALTER TABLE import_tasks DROP CONSTRAINT import_tasks_kind_check;
ALTER TABLE import_tasks ADD CONSTRAINT import_tasks_kind_check CHECK (kind IN ('import', 'bulk_delete', 'replay'));

-- When the event happened: ordered webhooks get their deliveries in this order.
ALTER TABLE webhook_deliveries ADD COLUMN event_at timestamptz;
UPDATE webhook_deliveries SET event_at = created_at WHERE event_at IS NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN event_at SET NOT NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN event_at SET DEFAULT now();
-- The head of an ordered webhook's queue: its oldest unfinished delivery.
CREATE INDEX webhook_deliveries_webhook_order_idx ON webhook_deliveries (webhook_id, event_at, id)
    WHERE status IN ('pending', 'in_flight');
-- The deliveries API pages a webhook's deliveries newest first, by key.
CREATE INDEX webhook_deliveries_webhook_created_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
