-- A replay plans the events of its window that the webhook never got: it reads the outbox by time, a keyset batch
-- at a time, and probes webhook_deliveries_event_webhook_uq for each event.
CREATE INDEX outbox_events_created_idx ON outbox_events (created_at, id);

-- One replay per webhook at a time, whichever replica accepts it: a replay's filename names its webhook, and the
-- database refuses a second unfinished one. A replay whose replica died is ended as failed by the task heartbeat
-- (catalog.tasks.stale-after), which frees the webhook. Replays started side by side before this migration: the
-- later ones end here (their runner stops at its next batch), so that the index can be built.
UPDATE import_tasks t
SET status = 'failed', finished_at = statement_timestamp(),
    error = 'ended by an upgrade: another replay of the same webhook was running; rows already written stay'
WHERE t.kind = 'replay' AND t.status IN ('queued', 'running')
  AND EXISTS (SELECT 1 FROM import_tasks o
              WHERE o.kind = 'replay' AND o.status IN ('queued', 'running') AND o.filename = t.filename
                AND (o.created_at, o.id) < (t.created_at, t.id));
CREATE UNIQUE INDEX import_tasks_replay_unfinished_uq ON import_tasks (filename)
    WHERE kind = 'replay' AND status IN ('queued', 'running');
