package com.cataloghooks.webhook;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Deactivates webhooks whose deliveries have all failed for {@code catalog.webhooks.disable-after-failing} (3 days
 * by default), with a {@code disabled_reason}: a receiver gone for good should not cost attempts forever. The
 * failing streak ({@code failing_since}) starts at the first delivery that fails after a success and ends at the
 * next success; activating the webhook again ends it too. A webhook is deactivated once a delivery has failed at
 * least that long after the streak began ({@code last_triggered_at}, set by every finished delivery): a webhook
 * that failed once and then had nothing to deliver for days is not. Runs in every replica; the update is one statement.
 */
@ApplicationScoped
public class FailingWebhooks {

    private static final Logger LOG = Logger.getLogger(FailingWebhooks.class);

    private final AgroalDataSource dataSource;
    private final CatalogConfig config;

    public FailingWebhooks(AgroalDataSource dataSource, CatalogConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(every = "${catalog.webhooks.disable-check-interval:1m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        try {
            int disabled = disableFailing();
            if (disabled > 0) {
                LOG.warnf("deactivated %d webhook(s) whose deliveries have all failed for %s", disabled,
                        config.webhooks().disableAfterFailing());
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not check for failing webhooks, will retry: %s", e.getMessage());
        }
    }

    /** @return how many webhooks were deactivated */
    public int disableFailing() {
        return JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhooks w
                    SET is_active = false, disabled_at = now(),
                        disabled_reason = 'every delivery has failed since '
                            || to_char(h.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                            || ' (longer than ' || ? || '); last error: ' || coalesce(h.last_error, 'none')
                    FROM webhook_health h
                    WHERE h.webhook_id = w.id
                      AND w.id IN (SELECT x.id FROM webhooks x JOIN webhook_health y ON y.webhook_id = x.id
                                   WHERE x.is_active AND y.last_triggered_at >= y.failing_since + make_interval(secs => ?)
                                   ORDER BY x.id FOR NO KEY UPDATE OF x) -- id order, as every multi-row lock of webhooks
                    RETURNING w.id""")) {
                update.setString(1, config.webhooks().disableAfterFailing().toString());
                update.setDouble(2, config.webhooks().disableAfterFailing().toSeconds());
                int count = 0;
                try (ResultSet rs = update.executeQuery()) {
                    while (rs.next()) {
                        count++;
                    }
                }
                return count;
            }
        });
    }
}
