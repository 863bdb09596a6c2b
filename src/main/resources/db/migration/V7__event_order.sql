-- Events are ordered by the database, not the clock. Each outbox row takes the next number when it is inserted,
-- which is after the change it describes has locked its product's row; so two events of one product are numbered in
-- the order their transactions committed. The relay publishes in this order, and ordered webhooks follow it.
ALTER TABLE outbox_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX outbox_events_unpublished_seq_idx ON outbox_events (seq) WHERE published_at IS NULL;
DROP INDEX outbox_events_unpublished_idx;

-- The event's number, as the relay published it (null for deliveries planned before this migration, which come
-- first, by event time, as before).
ALTER TABLE webhook_deliveries ADD COLUMN event_seq bigint;
UPDATE webhook_deliveries d SET event_seq = o.seq
FROM outbox_events o
WHERE o.id = d.event_id AND d.status IN ('pending', 'in_flight');
DROP INDEX webhook_deliveries_webhook_order_idx;
CREATE INDEX webhook_deliveries_webhook_order_idx ON webhook_deliveries (webhook_id, event_seq NULLS FIRST, event_at, id)
    WHERE status IN ('pending', 'in_flight');
