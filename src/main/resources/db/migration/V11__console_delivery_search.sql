-- The console filters deliveries by product: the product's events by their aggregate id, then their deliveries by
-- the (event_id, webhook_id) key. (Deliveries across webhooks are read through each webhook's own
-- (webhook_id, created_at, id) index: an index of their own would cost every delivery an index entry.)
CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id);
