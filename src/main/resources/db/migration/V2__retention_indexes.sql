-- Retention deletes old rows oldest first, in batches: these indexes let it find them without scanning.
CREATE INDEX webhook_logs_created_idx ON webhook_logs (created_at);
CREATE INDEX webhook_deliveries_completed_idx ON webhook_deliveries (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX outbox_events_published_idx ON outbox_events (published_at) WHERE published_at IS NOT NULL;
