package com.cataloghooks.webhook;

import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.time.DatabaseClock;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.UpdateWebhookRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Webhook subscriptions: CRUD and the rules a subscription must follow. Sending is the delivery package's job. */
@ApplicationScoped
public class WebhookService {

    static final int DEFAULT_RETRY_COUNT = 3;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;

    private final WebhookRepository repository;
    private final DatabaseClock clock;

    public WebhookService(WebhookRepository repository, DatabaseClock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    @Transactional
    public WebhookResponse create(CreateWebhookRequest request) {
        List<FieldError> errors = new ArrayList<>();
        WebhookRules.checkUrl(request.url(), errors);
        WebhookRules.checkEvents(request.events(), errors);
        WebhookRules.checkHeaders(request.headers(), errors);
        failIfAny(errors);
        Webhook webhook = new Webhook(request.url(), distinct(request.events()), emptyToNull(request.secret()),
                request.description(), request.isActive() == null || request.isActive(),
                request.headers() == null ? Map.of() : request.headers(),
                request.retryCount() == null ? DEFAULT_RETRY_COUNT : request.retryCount(),
                request.timeoutSeconds() == null ? DEFAULT_TIMEOUT_SECONDS : request.timeoutSeconds(),
                // compared with event times by the delivery planner: both come from the database's clock
                clock.now());
        repository.persist(webhook);
        return toResponse(webhook);
    }

    @Transactional
    public WebhookResponse get(UUID id) {
        return toResponse(find(id));
    }

    @Transactional
    public Page<WebhookResponse> list(Boolean active, PageRequest page) {
        List<WebhookResponse> items = repository.page(active, page).stream().map(WebhookService::toResponse).toList();
        return Page.of(items, repository.count(active), page);
    }

    @Transactional
    public WebhookResponse update(UUID id, UpdateWebhookRequest request) {
        Webhook webhook = find(id);
        List<FieldError> errors = new ArrayList<>();
        WebhookRules.checkUrl(request.url(), errors);
        WebhookRules.checkEvents(request.events(), errors);
        WebhookRules.checkHeaders(request.headers(), errors);
        failIfAny(errors);
        if (request.url() != null) {
            webhook.changeUrl(request.url());
        }
        if (request.events() != null) {
            webhook.changeEvents(distinct(request.events()));
        }
        if (request.secret() != null) {
            webhook.changeSecret(request.secret());
        }
        if (request.description() != null) {
            webhook.changeDescription(request.description());
        }
        if (request.isActive() != null) {
            webhook.changeActive(request.isActive());
        }
        if (request.headers() != null) {
            webhook.changeHeaders(request.headers());
        }
        if (request.retryCount() != null) {
            webhook.changeRetryCount(request.retryCount());
        }
        if (request.timeoutSeconds() != null) {
            webhook.changeTimeoutSeconds(request.timeoutSeconds());
        }
        webhook.touch();
        return toResponse(webhook);
    }

    /**
     * Deletes the webhook with its deliveries and logs. Its deliveries go first, in the order the delivery side
     * locks rows (delivery, then webhook), so a delete never deadlocks with attempts being recorded meanwhile.
     */
    @Transactional
    public void delete(UUID id) {
        Webhook webhook = find(id);
        repository.deleteDeliveries(id);
        repository.delete(webhook);
    }

    /** The webhook itself, for the delivery side (which may read the secret to sign). */
    @Transactional
    public Webhook require(UUID id) {
        return find(id);
    }

    private Webhook find(UUID id) {
        return repository.findByIdOptional(id).orElseThrow(() -> new NotFoundException("webhook", id.toString()));
    }

    private static void failIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    private static List<String> distinct(List<String> events) {
        return List.copyOf(new LinkedHashSet<>(events));
    }

    private static String emptyToNull(String secret) {
        return secret == null || secret.isEmpty() ? null : secret;
    }

    static WebhookResponse toResponse(Webhook w) {
        return new WebhookResponse(w.getId(), w.getUrl(), w.getEvents(), w.isActive(), w.getSecret() != null,
                w.getDescription(), w.getHeaders(), w.getRetryCount(), w.getTimeoutSeconds(), w.getLastTriggeredAt(),
                w.getLastError(), w.getSuccessCount(), w.getFailureCount(), w.getCreatedAt(), w.getUpdatedAt());
    }
}
