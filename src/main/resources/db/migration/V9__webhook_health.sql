-- The receiver's health leaves the webhooks row: the delivery side's counters, failing streak, breaker state and
-- rate window change with every claim and every finished delivery, and on the webhooks row they made configuration
-- writes, claims and the recorder wait for one another. One row per webhook, made with it (the trigger below, so
-- every way a webhook is inserted gets one), gone with it.
CREATE TABLE webhook_health (
    webhook_id         uuid        PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    success_count      bigint      NOT NULL DEFAULT 0,
    failure_count      bigint      NOT NULL DEFAULT 0,
    last_triggered_at  timestamptz,
    last_error         text,
    failing_since      timestamptz,
    breaker_state      varchar(16) NOT NULL DEFAULT 'closed' CHECK (breaker_state IN ('closed', 'open', 'half_open')),
    breaker_open_until timestamptz,
    rate_window_start  timestamptz,
    rate_window_used   integer     NOT NULL DEFAULT 0
);

INSERT INTO webhook_health (webhook_id, success_count, failure_count, last_triggered_at, last_error, failing_since,
                            breaker_state, breaker_open_until, rate_window_start, rate_window_used)
SELECT id, success_count, failure_count, last_triggered_at, last_error, failing_since, breaker_state,
       breaker_open_until, rate_window_start, rate_window_used
FROM webhooks;

CREATE FUNCTION webhook_health_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_health (webhook_id) VALUES (NEW.id);
    RETURN NEW;
END
$$;

CREATE TRIGGER webhooks_health_row AFTER INSERT ON webhooks FOR EACH ROW EXECUTE FUNCTION webhook_health_row();

-- The old columns of webhooks are no longer read or written. They stay until a later migration drops them, so that
-- replicas of the earlier version, still running during a rolling upgrade, keep working meanwhile.
COMMENT ON COLUMN webhooks.success_count IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.failure_count IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.last_triggered_at IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.last_error IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.failing_since IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.breaker_state IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.breaker_open_until IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.rate_window_start IS 'unused since V9 (webhook_health); dropped later';
COMMENT ON COLUMN webhooks.rate_window_used IS 'unused since V9 (webhook_health); dropped later';
