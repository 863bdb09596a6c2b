package com.cataloghooks.delivery.state;

/**
 * The claim, in one statement: for each active webhook in turn (round robin from a cursor), lock its oldest due
 * pending deliveries up to its free slots, and lease them. Each webhook costs one probe of the
 * {@code (webhook_id, next_attempt_at)} index, so a webhook with a million due deliveries is read as little as one
 * with a single delivery, and it cannot take more than its share of a round. Only webhooks with pending deliveries
 * are visited: they are found by a skip scan of that same partial index ({@code waiting}, one probe per such
 * webhook), so idle webhooks, however many, cost a claim nothing.
 * <p>
 * An {@code ordered} webhook offers only the head of its queue: its first pending delivery in commit order (the
 * event's number, {@code event_seq}; deliveries planned before events were numbered come first, by event time), only
 * once it is due, and nothing while one of its deliveries is in flight. So it has at most one request in flight
 * (also when a redelivery or a late event puts an older delivery back in front), and a delivery waiting for its
 * retry holds the ones after it. A webhook whose circuit breaker is open ({@code webhook_health.breaker_open_until})
 * offers none.
 * <p>
 * The lease counts the attempt ({@code attempts + 1}) and writes a fresh fencing token: every later update names
 * the token, so a replica whose lease expired and was taken over changes nothing.
 * <p>
 * A rate-limited webhook offers at most its allowance in the current one-second window
 * ({@code ReceiverHealth#lockRateWindows}, in the same transaction).
 * <p>
 * JDBC parameters, in order: (1) {@code uuid[]} webhooks with requests in progress here, (2) {@code int[]} how many
 * each, (3) {@code uuid[]} rate-limited webhooks, (4) {@code int[]} the requests each may still start, (5) the
 * per-webhook limit, (6) the same limit again, (7) the round-robin cursor (a webhook id; webhooks after
 * it come first), (8) the most deliveries to claim, (9) this replica's name, (10) the lease margin in seconds added to
 * the webhook's own timeout.
 */
public final class ClaimSql {

    public static final String CLAIM = """
            WITH RECURSIVE waiting(webhook_id) AS (
                (SELECT webhook_id FROM webhook_deliveries WHERE status = 'pending' ORDER BY webhook_id LIMIT 1)
                UNION ALL
                SELECT (SELECT d.webhook_id FROM webhook_deliveries d
                        WHERE d.status = 'pending' AND d.webhook_id > p.webhook_id
                        ORDER BY d.webhook_id LIMIT 1)
                FROM waiting p WHERE p.webhook_id IS NOT NULL),
            busy AS (SELECT * FROM unnest(?::uuid[], ?::int[]) AS b(webhook_id, running)),
            allowed AS (SELECT * FROM unnest(?::uuid[], ?::int[]) AS a(webhook_id, allowance)),
            due AS (
                SELECT d.id
                FROM waiting p
                -- a probe of the primary key per waiting webhook, here and in its health (LIMIT keeps the planner from
                -- hashing the table)
                CROSS JOIN LATERAL (SELECT * FROM webhooks x WHERE x.id = p.webhook_id LIMIT 1) w
                LEFT JOIN LATERAL (SELECT x.breaker_open_until FROM webhook_health x
                                   WHERE x.webhook_id = w.id LIMIT 1) h ON true
                LEFT JOIN busy b ON b.webhook_id = w.id
                LEFT JOIN allowed a ON a.webhook_id = w.id
                CROSS JOIN LATERAL (
                    SELECT x.id, row_number() OVER () AS n
                    FROM (SELECT d.id FROM webhook_deliveries d
                          WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
                            AND (NOT w.ordered
                                 OR (NOT EXISTS (SELECT 1 FROM webhook_deliveries f
                                                 WHERE f.webhook_id = w.id AND f.status = 'in_flight')
                                     AND d.id = (SELECT h.id FROM webhook_deliveries h
                                                 WHERE h.webhook_id = w.id AND h.status = 'pending'
                                                 ORDER BY h.event_seq NULLS FIRST, h.event_at, h.id
                                                 LIMIT 1)))
                          ORDER BY d.next_attempt_at
                          LIMIT ?
                          FOR UPDATE OF d SKIP LOCKED) x) d
                WHERE w.is_active AND (h.breaker_open_until IS NULL OR h.breaker_open_until <= now()) AND d.n <= ? - coalesce(b.running, 0)
                  AND (w.rate_limit_per_second IS NULL OR d.n <= coalesce(a.allowance, 0))
                ORDER BY w.id <= ?::uuid, w.id
                LIMIT ?)
            UPDATE webhook_deliveries d
            SET status = 'in_flight', attempts = d.attempts + 1, lease_token = gen_random_uuid(), lease_owner = ?,
                lease_until = now() + make_interval(secs => w.timeout_seconds + ?), updated_at = now()
            FROM due, webhooks w
            WHERE d.id = due.id AND w.id = d.webhook_id
            RETURNING d.id, d.lease_token, d.attempts, d.event_id, d.event_type, d.body,
                      w.id, w.url, w.secret, CAST(w.headers AS text), w.timeout_seconds, w.retry_count,
                      CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END,
                      w.rate_limit_per_second IS NOT NULL""";

    private ClaimSql() {
    }
}
