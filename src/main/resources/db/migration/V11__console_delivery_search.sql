-- The console lists deliveries across webhooks, newest first, a keyset page at a time: one range of this index
-- (one webhook's page reads webhook_deliveries_webhook_created_idx, as the API's does).
CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at DESC, id DESC);
-- ... and filters them by product: the product's events by their aggregate id, then their deliveries by the
-- (event_id, webhook_id) key.
CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id);
