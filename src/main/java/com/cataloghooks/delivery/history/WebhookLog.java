package com.cataloghooks.delivery.history;

import com.cataloghooks.delivery.state.AttemptResult;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/** One attempt to reach a receiver: what was sent, what came back, how long it took. */
@Entity
@Table(name = "webhook_logs")
public class WebhookLog {

    @Id
    private UUID id;

    @Column(name = "webhook_id", nullable = false)
    private UUID webhookId;

    @Column(name = "delivery_id")
    private UUID deliveryId;

    @Column(name = "event_id")
    private UUID eventId;

    @Column(nullable = false)
    private String event;

    @Column(nullable = false)
    private int attempt;

    /** The exact body sent, kept as JSON. */
    @Column(nullable = false, columnDefinition = "jsonb")
    @ColumnTransformer(write = "?::jsonb")
    private String payload;

    /**
     * The request's headers exactly as sent, as a JSON object in sending order ({@link RequestHeaders}), custom
     * header values masked; null when not recorded (attempts logged before the column existed).
     */
    @Column(name = "request_headers", columnDefinition = "text")
    private String requestHeaders;

    @Column(name = "status_code")
    private Integer statusCode;

    @Column(name = "response_body", columnDefinition = "text")
    private String responseBody;

    @Column(name = "response_time_ms")
    private Integer responseTimeMs;

    @Column(columnDefinition = "text")
    private String error;

    @Column(nullable = false)
    private boolean test;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected WebhookLog() {
    }

    public WebhookLog(UUID webhookId, UUID deliveryId, UUID eventId, String event, int attempt, String payload,
                      Map<String, String> requestHeaders, AttemptResult result, boolean test) {
        this.id = UUID.randomUUID();
        this.webhookId = webhookId;
        this.deliveryId = deliveryId;
        this.eventId = eventId;
        this.event = event;
        this.attempt = attempt;
        this.payload = payload;
        this.requestHeaders = RequestHeaders.toJson(requestHeaders);
        this.statusCode = result.statusCode();
        this.responseBody = ResponseText.clean(result.responseBody(), Integer.MAX_VALUE);
        this.responseTimeMs = result.responseTimeMs();
        this.error = ResponseText.clean(result.error(), Integer.MAX_VALUE);
        this.test = test;
        this.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public UUID getId() {
        return id;
    }

    public UUID getWebhookId() {
        return webhookId;
    }

    public UUID getDeliveryId() {
        return deliveryId;
    }

    public UUID getEventId() {
        return eventId;
    }

    public String getEvent() {
        return event;
    }

    public int getAttempt() {
        return attempt;
    }

    public String getPayload() {
        return payload;
    }

    /** The request's headers in sending order, custom header values masked; null when not recorded. */
    public Map<String, String> getRequestHeaders() {
        return RequestHeaders.fromJson(requestHeaders);
    }

    public Integer getStatusCode() {
        return statusCode;
    }

    public String getResponseBody() {
        return responseBody;
    }

    public Integer getResponseTimeMs() {
        return responseTimeMs;
    }

    public String getError() {
        return error;
    }

    public boolean isTest() {
        return test;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
