package com.cataloghooks.webhook;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Formula;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A subscription: where to send which events, how (headers, secret) and how hard to try. */
@Entity
@Table(name = "webhooks")
// only changed columns are written: a PUT must not overwrite the delivery counters updated meanwhile
@DynamicUpdate
public class Webhook {

    @Id
    private UUID id;

    @Column(nullable = false, length = 500)
    private String url;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private String[] events;

    @Column(name = "is_active", nullable = false)
    private boolean active;

    /** Encrypted ({@code StoredSecrets}), as are the values of {@link #headers}. */
    private String secret;

    @Column(columnDefinition = "text")
    private String description;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    private Map<String, String> headers;

    @Column(name = "retry_count", nullable = false)
    private int retryCount;

    @Column(name = "timeout_seconds", nullable = false)
    private int timeoutSeconds;

    // The receiver's health is the delivery side's (webhook_health, written by ReceiverHealth): read here, in the
    // same select, for the API; never written through this entity.
    @Formula("(SELECT h.last_triggered_at FROM webhook_health h WHERE h.webhook_id = id)")
    private Instant lastTriggeredAt;

    @Formula("(SELECT h.last_error FROM webhook_health h WHERE h.webhook_id = id)")
    private String lastError;

    @Formula("(SELECT h.success_count FROM webhook_health h WHERE h.webhook_id = id)")
    private long successCount;

    @Formula("(SELECT h.failure_count FROM webhook_health h WHERE h.webhook_id = id)")
    private long failureCount;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Encrypted; signs as a second signature until {@link #previousSecretExpiresAt}. */
    @Column(name = "previous_secret", columnDefinition = "text")
    private String previousSecret;

    @Column(name = "previous_secret_expires_at")
    private Instant previousSecretExpiresAt;

    /** Why the service deactivated the webhook (410 Gone, failing for days); null when a user did, or it is active. */
    @Column(name = "disabled_reason", columnDefinition = "text")
    private String disabledReason;

    @Column(name = "disabled_at")
    private Instant disabledAt;

    /**
     * Since when every delivery has failed; written by the delivery side, cleared when a user (de)activates the
     * webhook ({@code WebhookRepository#clearFailingStreak}, this field only mirrors it for the answer).
     */
    @Formula("(SELECT h.failing_since FROM webhook_health h WHERE h.webhook_id = id)")
    private Instant failingSince;

    @Formula("(SELECT h.breaker_state FROM webhook_health h WHERE h.webhook_id = id)")
    private String breakerState;

    @Formula("(SELECT h.breaker_open_until FROM webhook_health h WHERE h.webhook_id = id)")
    private Instant breakerOpenUntil;

    /** A payload filter (see {@code webhook.filter.PayloadFilter}), checked before it is stored; null for none. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    private Map<String, Object> filter;

    @Column(nullable = false)
    private boolean ordered;

    @Column(name = "rate_limit_per_second")
    private Integer rateLimitPerSecond;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Webhook() {
    }

    Webhook(String url, List<String> events, String secret, String description, boolean active,
            Map<String, String> headers, int retryCount, int timeoutSeconds, Instant createdAt) {
        this.id = UUID.randomUUID();
        this.url = url;
        this.events = events.toArray(String[]::new);
        this.secret = secret;
        this.description = description;
        this.active = active;
        this.headers = new LinkedHashMap<>(headers);
        this.retryCount = retryCount;
        this.timeoutSeconds = timeoutSeconds;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    void changeUrl(String url) {
        this.url = url;
    }

    void changeEvents(List<String> events) {
        this.events = events.toArray(String[]::new);
    }

    /** Null removes it: deliveries are then unsigned. */
    void changeSecret(String sealedSecret) {
        this.secret = sealedSecret;
    }

    void changeDescription(String description) {
        this.description = description;
    }

    void changeActive(boolean active) {
        this.active = active;
    }

    void changeHeaders(Map<String, String> headers) {
        this.headers = new LinkedHashMap<>(headers);
    }

    void changeRetryCount(int retryCount) {
        this.retryCount = retryCount;
    }

    void changeTimeoutSeconds(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Signs with {@code sealedSecret} from now on, and with the one it replaces until {@code previousUntil}; null
     * (no grace) forgets the replaced secret at once: a rotation without grace is what follows a leak.
     */
    void rotateSecret(String sealedSecret, Instant previousUntil) {
        boolean keep = this.secret != null && previousUntil != null;
        this.previousSecret = keep ? this.secret : null;
        this.previousSecretExpiresAt = keep ? previousUntil : null;
        this.secret = sealedSecret;
    }

    /** A secret set by a PUT replaces the current one at once: no previous secret keeps signing. */
    void forgetPreviousSecret() {
        this.previousSecret = null;
        this.previousSecretExpiresAt = null;
    }

    /** Activated or deactivated by a user: any reason the service had is gone, and its failing streak too. */
    void clearDisabledReason() {
        this.disabledReason = null;
        this.disabledAt = null;
        this.failingSince = null;
    }

    void changeFilter(Map<String, Object> filter) {
        this.filter = filter == null || filter.isEmpty() ? null : new LinkedHashMap<>(filter);
    }

    /** Null or 0 removes the limit. */
    void changeRateLimit(Integer perSecond) {
        this.rateLimitPerSecond = perSecond == null || perSecond == 0 ? null : perSecond;
    }

    void changeOrdered(boolean ordered) {
        this.ordered = ordered;
    }

    void touch() {
        this.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public UUID getId() {
        return id;
    }

    public String getUrl() {
        return url;
    }

    public List<String> getEvents() {
        return List.of(events);
    }

    public boolean isActive() {
        return active;
    }

    public String getSecret() {
        return secret;
    }

    public String getDescription() {
        return description;
    }

    public Map<String, String> getHeaders() {
        return headers == null ? Map.of() : java.util.Collections.unmodifiableMap(headers);
    }

    public int getRetryCount() {
        return retryCount;
    }

    public int getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public Instant getLastTriggeredAt() {
        return lastTriggeredAt;
    }

    public String getLastError() {
        return lastError;
    }

    public long getSuccessCount() {
        return successCount;
    }

    public long getFailureCount() {
        return failureCount;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public String getPreviousSecret() {
        return previousSecret;
    }

    public Instant getPreviousSecretExpiresAt() {
        return previousSecretExpiresAt;
    }

    public String getDisabledReason() {
        return disabledReason;
    }

    public Instant getDisabledAt() {
        return disabledAt;
    }

    public Instant getFailingSince() {
        return failingSince;
    }

    public String getBreakerState() {
        return breakerState == null ? "closed" : breakerState;
    }

    public Instant getBreakerOpenUntil() {
        return breakerOpenUntil;
    }

    public Map<String, Object> getFilter() {
        return filter;
    }

    public Integer getRateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    public boolean isOrdered() {
        return ordered;
    }
}
