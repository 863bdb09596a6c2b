-- Claims go webhook by webhook (fair: a webhook with a million due deliveries is read as little as one with one),
-- so due deliveries are indexed per webhook; the global due index is no longer used.
CREATE INDEX webhook_deliveries_webhook_due_idx ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending';
DROP INDEX webhook_deliveries_due_idx;
-- Fencing token, new at every claim: an update that does not name the current token changes nothing.
ALTER TABLE webhook_deliveries ADD COLUMN lease_token uuid;
-- A delivery's attempts (and the ON DELETE SET NULL of a deleted delivery) are found without a scan.
CREATE INDEX webhook_logs_delivery_idx ON webhook_logs (delivery_id);
