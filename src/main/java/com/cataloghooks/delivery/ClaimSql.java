package com.cataloghooks.delivery;

/**
 * The claim, in one statement: for each active webhook in turn (round robin from a cursor), lock its oldest due
 * pending deliveries up to its free slots, and lease them. Each webhook costs one probe of the
 * {@code (webhook_id, next_attempt_at)} index, so a webhook with a million due deliveries is read as little as one
 * with a single delivery, and it cannot take more than its share of a round.
 * <p>
 * The lease counts the attempt ({@code attempts + 1}) and writes a fresh fencing token: every later update names
 * the token, so a replica whose lease expired and was taken over changes nothing.
 * <p>
 * JDBC parameters, in order: (1) {@code uuid[]} webhooks with requests in progress here, (2) {@code int[]} how many
 * each, (3) the per-webhook limit, (4) the same limit again, (5) the round-robin cursor (a webhook id; webhooks after
 * it come first), (6) the most deliveries to claim, (7) this replica's name, (8) the lease margin in seconds added to
 * the webhook's own timeout.
 */
public final class ClaimSql {

    public static final String CLAIM = """
            WITH busy AS (SELECT * FROM unnest(?::uuid[], ?::int[]) AS b(webhook_id, running)),
            due AS (
                SELECT d.id
                FROM webhooks w
                LEFT JOIN busy b ON b.webhook_id = w.id
                CROSS JOIN LATERAL (
                    SELECT x.id, row_number() OVER () AS n
                    FROM (SELECT d.id FROM webhook_deliveries d
                          WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                          ORDER BY d.next_attempt_at
                          LIMIT ?
                          FOR UPDATE OF d SKIP LOCKED) x) d
                WHERE w.is_active AND d.n <= ? - coalesce(b.running, 0)
                ORDER BY w.id <= ?::uuid, w.id
                LIMIT ?)
            UPDATE webhook_deliveries d
            SET status = 'in_flight', attempts = d.attempts + 1, lease_token = gen_random_uuid(), lease_owner = ?,
                lease_until = now() + make_interval(secs => w.timeout_seconds + ?), updated_at = now()
            FROM due, webhooks w
            WHERE d.id = due.id AND w.id = d.webhook_id
            RETURNING d.id, d.lease_token, d.attempts, d.event_id, d.event_type, d.body,
                      w.id, w.url, w.secret, CAST(w.headers AS text), w.timeout_seconds, w.retry_count""";

    private ClaimSql() {
    }
}
