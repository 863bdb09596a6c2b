package db.migration;

import com.cataloghooks.common.crypto.SecretCipher;
import com.cataloghooks.webhook.SecretRewrite;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * Encrypts the webhook secrets and custom header values stored in clear before version 5, with the active key of
 * {@code catalog.security.encryption-keys}. Java, not SQL: the key lives in the service's configuration, never in
 * the database.
 */
public class V5__encrypt_webhook_secrets extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM webhooks")) {
            count.next();
            if (count.getLong(1) == 0) {
                return; // nothing stored yet: no key needed for this step
            }
        }
        Config config = ConfigProvider.getConfig();
        SecretCipher cipher = SecretCipher.fromConfig(
                config.getOptionalValues("catalog.security.encryption-keys", String.class).orElse(List.of()),
                config.getOptionalValue("catalog.security.active-encryption-key", String.class));
        SecretRewrite.encryptPlain(context.getConnection(), cipher);
    }
}
