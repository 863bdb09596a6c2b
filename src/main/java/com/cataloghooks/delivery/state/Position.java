package com.cataloghooks.delivery.state;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a replay's walk over a window has got to: the last row it took, in {@code (created_at, id)} order, the
 * order of the index it reads. A row's {@code created_at} never changes, so a row re-queued (and failed again)
 * behind the position is not met twice.
 */
public record Position(Instant createdAt, UUID id) {

    /** Before every row of a window starting at {@code since} (no row has the nil id). */
    public static Position start(Instant since) {
        return new Position(since, new UUID(0, 0));
    }
}
