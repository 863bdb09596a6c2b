package com.cataloghooks.console.deliveries;

import com.cataloghooks.delivery.history.DeliveryStats;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/** The 24-hour charts the overview (all webhooks) and a webhook's deliveries page show, from {@link DeliveryStats}. */
@ApplicationScoped
public class DeliveryCharts {

    private final DeliveryStats stats;

    public DeliveryCharts(DeliveryStats stats) {
        this.stats = stats;
    }

    /** Every webhook's attempts. */
    public DeliveryChart overall() {
        return chart("overall-chart", "all webhooks", null);
    }

    /** One webhook's attempts; {@code scope} names it for the text alternative. */
    public DeliveryChart webhook(UUID webhookId, String scope) {
        return chart("webhook-chart", "webhook " + scope, webhookId);
    }

    private DeliveryChart chart(String id, String scope, UUID webhookId) {
        Instant until = Instant.now();
        return new DeliveryChart(id, scope, stats.buckets(webhookId, until.minus(DeliveryChart.SPAN), until,
                DeliveryChart.BUCKET));
    }
}
