-- The request headers of each attempt, exactly as sent: a JSON object, names in sending order, values as sent,
-- except custom header values (secrets, encrypted at rest in webhooks.headers), which are kept as '********'.
-- text, not jsonb: jsonb reorders an object's keys (shortest first) and keeps one of duplicate names, and the
-- order the headers went out in is part of what was sent. Null on rows written before this column: not recorded.
ALTER TABLE webhook_logs ADD COLUMN request_headers text;
