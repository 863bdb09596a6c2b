package com.cataloghooks.webhook;

import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Key rotation for secrets at rest. At startup, refuses to run when a stored value is encrypted with a key that is no
 * longer configured (deliveries to that webhook could not be signed). Then, at startup and every hour, re-encrypts
 * values stored under an older key with the active one, 100 webhooks per transaction, and logs how many: once that
 * says 0, the old key may be removed from {@code catalog.security.encryption-keys}.
 */
@ApplicationScoped
public class SecretReencryption {

    private static final Logger LOG = Logger.getLogger(SecretReencryption.class);
    private static final int BATCH = 100;

    private final AgroalDataSource dataSource;
    private final StoredSecrets secrets;

    public SecretReencryption(AgroalDataSource dataSource, StoredSecrets secrets) {
        this.dataSource = dataSource;
        this.secrets = secrets;
    }

    void onStart(@Observes StartupEvent event) {
        forgetExpiredPreviousSecrets();
        List<String> unknown = new ArrayList<>(keyIdsInUse());
        unknown.removeAll(secrets.cipher().keyIds());
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("Stored webhook secrets are encrypted with key(s) " + unknown
                    + " that catalog.security.encryption-keys (CATALOG_SECURITY_ENCRYPTION_KEYS) does not list: add "
                    + "them back until re-encryption with the active key has finished");
        }
        reencryptAll();
    }

    @Scheduled(every = "1h", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourly() {
        forgetExpiredPreviousSecrets();
        reencryptAll();
    }

    /** Re-encrypts every value stored under another key than the active one; the number of webhooks rewritten. */
    public int reencryptAll() {
        int total = 0;
        int done;
        do {
            done = JdbcTransaction.run(dataSource,
                    connection -> SecretRewrite.reencrypt(connection, secrets.cipher(), BATCH));
            total += done;
        } while (done == BATCH);
        do {
            done = JdbcTransaction.run(dataSource, this::reencryptPreviousSecrets);
            total += done;
        } while (done == BATCH);
        if (total > 0) {
            LOG.infof("re-encrypted the secrets of %d webhook(s) with key '%s'", total, secrets.cipher().activeKeyId());
        }
        return total;
    }

    private List<String> keyIdsInUse() {
        return JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT split_part(secret, ':', 2) FROM webhooks WHERE secret IS NOT NULL
                    UNION
                    SELECT split_part(previous_secret, ':', 2) FROM webhooks WHERE previous_secret IS NOT NULL
                    UNION
                    SELECT split_part(h.value, ':', 2) FROM webhooks, jsonb_each_text(headers) AS h(name, value)""");
                 ResultSet rs = select.executeQuery()) {
                List<String> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
                return ids;
            }
        });
    }

    /**
     * A rotation's previous secret stops signing when its grace period ends; then it is not kept either. The rows are
     * locked in id order, as every multi-row lock of webhooks, and one held elsewhere (its attempts' counters being
     * written) is left for the next run: locked in the order of a table scan while waiting, they could close a cycle
     * with another transaction locking several webhooks.
     */
    private void forgetExpiredPreviousSecrets() {
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhooks SET previous_secret = NULL, previous_secret_expires_at = NULL
                    WHERE id IN (SELECT id FROM webhooks WHERE previous_secret_expires_at <= now()
                                 ORDER BY id FOR NO KEY UPDATE SKIP LOCKED)""")) {
                return update.executeUpdate();
            }
        });
    }

    /** Previous secrets (during a rotation's grace period) under another key than the active one, a batch. */
    private int reencryptPreviousSecrets(Connection connection) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, previous_secret FROM webhooks
                WHERE previous_secret IS NOT NULL AND split_part(previous_secret, ':', 2) <> ?
                LIMIT ? FOR NO KEY UPDATE SKIP LOCKED""")) {
            select.setString(1, secrets.cipher().activeKeyId());
            select.setInt(2, BATCH);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[]{rs.getObject(1), rs.getString(2)});
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE webhooks SET previous_secret = ? WHERE id = ?")) {
            for (Object[] row : rows) {
                update.setString(1, secrets.sealSecret(secrets.openSecret((String) row[1])));
                update.setObject(2, row[0]);
                update.addBatch();
            }
            update.executeBatch();
        }
        return rows.size();
    }
}
