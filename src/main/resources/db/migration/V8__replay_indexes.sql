-- A replay plans the events of its window that the webhook never got: it reads the outbox by time, a keyset batch
-- at a time, and probes webhook_deliveries_event_webhook_uq for each event.
CREATE INDEX outbox_events_created_idx ON outbox_events (created_at, id);
