package com.cataloghooks.webhook;

import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.LockConflicts;
import com.cataloghooks.common.time.DatabaseClock;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.UpdateWebhookRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.webhook.api.RotateSecretRequest;
import com.cataloghooks.webhook.filter.InvalidFilterException;
import com.cataloghooks.webhook.filter.PayloadFilter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Webhook subscriptions: CRUD and the rules a subscription must follow. Sending is the delivery package's job.
 * Secrets and custom header values are stored encrypted ({@link StoredSecrets}) and never returned.
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    static final int DEFAULT_RETRY_COUNT = 3;
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    private static final TypeReference<Map<String, Object>> STORED_FILTER = new TypeReference<>() {
    };

    private final WebhookRepository repository;
    private final DatabaseClock clock;
    private final TargetPolicy targets;
    private final StoredSecrets secrets;
    private final ObjectMapper mapper;
    private final CatalogConfig config;
    // made per instance, at run time: a static one would be seeded into the native image
    private final SecureRandom random = new SecureRandom();

    public WebhookService(WebhookRepository repository, DatabaseClock clock, TargetPolicy targets,
                          StoredSecrets secrets, ObjectMapper mapper, CatalogConfig config) {
        this.repository = repository;
        this.clock = clock;
        this.targets = targets;
        this.secrets = secrets;
        this.mapper = mapper;
        this.config = config;
    }

    @Transactional
    public WebhookResponse create(CreateWebhookRequest request) {
        List<FieldError> errors = new ArrayList<>();
        checkUrl(request.url(), errors);
        WebhookRules.checkEvents(request.events(), errors);
        WebhookRules.checkHeaders(request.headers(), errors);
        checkSecret(request.secret(), errors);
        Map<String, Object> filter = checkFilter(request.filter(), errors);
        boolean generate = Boolean.TRUE.equals(request.generateSecret());
        if (generate && request.secret() != null && !request.secret().isEmpty()) {
            errors.add(new FieldError("generate_secret", "cannot be true together with a 'secret'"));
        }
        failIfAny(errors);
        String secret = generate ? SigningSecret.generate(random) : emptyToNull(request.secret());
        Webhook webhook = new Webhook(request.url(), distinct(request.events()),
                secrets.sealSecret(secret),
                request.description(), request.isActive() == null || request.isActive(),
                secrets.sealHeaders(request.headers() == null ? Map.of() : request.headers()),
                request.retryCount() == null ? DEFAULT_RETRY_COUNT : request.retryCount(),
                request.timeoutSeconds() == null ? DEFAULT_TIMEOUT_SECONDS : request.timeoutSeconds(),
                // compared with event times by the delivery planner: both come from the database's clock
                clock.now());
        webhook.changeFilter(filter);
        webhook.changeOrdered(Boolean.TRUE.equals(request.ordered()));
        webhook.changeRateLimit(request.rateLimitPerSecond());
        repository.persist(webhook);
        WebhookResponse created = toResponse(webhook);
        return generate ? created.withSecret(secret) : created;
    }

    /** One webhook, with its receiver's health over the last 24 hours. */
    @Transactional
    public WebhookResponse get(UUID id) {
        Webhook webhook = find(id);
        return toResponse(webhook).withHealth(repository.health(id));
    }

    /**
     * Makes a new {@code whsec_} secret and returns it (this once). The secret it replaces keeps signing, as a second
     * {@code webhook-signature}, for the grace period, so a receiver can switch without losing a delivery.
     */
    @Transactional
    public WebhookResponse rotateSecret(UUID id, RotateSecretRequest request) {
        // locked: two rotations at once must not both keep the same previous secret (one new secret would be lost)
        Webhook webhook = repository.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> new NotFoundException("webhook", id.toString()));
        Duration grace = request == null || request.gracePeriodSeconds() == null
                ? config.webhooks().secretGracePeriod()
                : Duration.ofSeconds(request.gracePeriodSeconds());
        String secret = SigningSecret.generate(random);
        webhook.rotateSecret(secrets.sealSecret(secret), grace.isZero() ? null : clock.now().plus(grace));
        webhook.touch();
        return toResponse(webhook).withSecret(secret);
    }

    @Transactional
    public Page<WebhookResponse> list(Boolean active, PageRequest page) {
        List<WebhookResponse> items = repository.page(active, page).stream().map(WebhookService::toResponse).toList();
        return Page.of(items, repository.count(active), page);
    }

    @Transactional
    public WebhookResponse update(UUID id, UpdateWebhookRequest request) {
        // checked before the row is read: resolving the URL's host must not hold a database connection
        List<FieldError> errors = new ArrayList<>();
        checkUrl(request.url(), errors);
        WebhookRules.checkEvents(request.events(), errors);
        WebhookRules.checkHeaders(request.headers(), errors);
        checkSecret(request.secret(), errors);
        Map<String, Object> filter = checkFilter(request.filter(), errors);
        failIfAny(errors);
        Webhook webhook = find(id);
        if (request.url() != null) {
            webhook.changeUrl(request.url());
        }
        if (request.events() != null) {
            webhook.changeEvents(distinct(request.events()));
        }
        if (request.secret() != null) {
            webhook.changeSecret(secrets.sealSecret(emptyToNull(request.secret())));
            webhook.forgetPreviousSecret();
        }
        if (request.description() != null) {
            webhook.changeDescription(request.description());
        }
        if (request.isActive() != null) {
            webhook.changeActive(request.isActive());
            webhook.clearDisabledReason();
            repository.clearFailingStreak(id);
        }
        if (request.filter() != null) {
            webhook.changeFilter(filter);
        }
        if (request.ordered() != null) {
            webhook.changeOrdered(request.ordered());
        }
        if (request.rateLimitPerSecond() != null) {
            webhook.changeRateLimit(request.rateLimitPerSecond());
        }
        if (request.headers() != null) {
            webhook.changeHeaders(secrets.sealHeaders(request.headers()));
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
     * Deletes the webhook with its deliveries and logs, in short transactions, none of which holds many locks or
     * holds any for long: attempts of other webhooks being recorded meanwhile (a batch of them is one transaction,
     * which may include one of this webhook's) never wait for more than one batch. First the webhook is deactivated,
     * so nothing more is planned or claimed for it; then its logs and its deliveries go, a batch per transaction
     * ({@code catalog.webhooks.delete-batch-size}); then what is left, and the webhook, in one last short one.
     * <p>
     * A delete interrupted halfway (the database away) leaves the webhook inactive, saying so in its
     * {@code disabled_reason}, and the next delete finishes it. Two deletes at once share the work (each skips the
     * rows the other holds) and both end once the webhook is gone.
     *
     * @throws NotFoundException when there is no such webhook
     */
    public void delete(UUID id) {
        if (!inOwnTransaction(() -> repository.deactivateForDelete(id))) {
            throw new NotFoundException("webhook", id.toString());
        }
        int batch = config.webhooks().deleteBatchSize();
        // logs first: deleting a delivery first would rewrite each of its log rows (ON DELETE SET NULL) for nothing
        long logs = inBatches(batch, from -> repository.deleteLogs(id, from, batch));
        long deliveries = inBatches(batch, from -> repository.deleteDeliveries(id, from, batch));
        boolean last = inOwnTransaction(() -> repository.deleteRemains(id));
        LOG.infof("webhook %s deleted%s: %d log rows and %d deliveries in batches of %d", id,
                last ? "" : " (finished by another delete)", logs, deliveries, batch);
    }

    /**
     * Runs {@code step} from the start of its table on, each batch from where the last one ended, until one is short.
     *
     * @return the rows removed
     */
    private static long inBatches(int batch, Function<String, WebhookRepository.Removed> step) {
        String from = WebhookRepository.FIRST;
        long total = 0;
        WebhookRepository.Removed removed;
        do {
            String start = from;
            removed = inOwnTransaction(() -> step.apply(start));
            total += removed.rows();
            if (removed.last() != null) {
                from = removed.last();
            }
        } while (removed.rows() == batch);
        return total;
    }

    /** One step of a delete, committed on its own; tried again if PostgreSQL ended it to break a deadlock. */
    private static <T> T inOwnTransaction(Supplier<T> step) {
        return LockConflicts.retry(() -> QuarkusTransaction.requiringNew().call(step::get));
    }

    /** Fails with 404 when there is no such webhook, 409 when it is inactive (saying why, if the service did it). */
    @Transactional
    public void requireActive(UUID id) {
        Webhook webhook = find(id);
        if (!webhook.isActive()) {
            throw new ConflictException("is_active", "the webhook is inactive"
                    + (webhook.getDisabledReason() == null ? "" : " (" + webhook.getDisabledReason() + ")")
                    + "; activate it first (PUT is_active=true)");
        }
    }

    /** Fails with 404 when there is no such webhook. */
    @Transactional
    public void requireExists(UUID id) {
        find(id);
    }

    /** Where and how to send to the webhook, secrets decrypted: for the delivery side (test sends). */
    @Transactional
    public WebhookTarget target(UUID id) {
        Webhook w = find(id);
        String previous = w.getPreviousSecretExpiresAt() != null && w.getPreviousSecretExpiresAt().isAfter(clock.now())
                ? secrets.openSecret(w.getPreviousSecret()) : null;
        return new WebhookTarget(w.getId(), w.getUrl(), w.getEvents(), secrets.openSecret(w.getSecret()), previous,
                secrets.openHeaders(w.getHeaders()), w.getTimeoutSeconds());
    }

    private static void checkSecret(String secret, List<FieldError> errors) {
        String problem = SigningSecret.problemWith(secret);
        if (problem != null) {
            errors.add(new FieldError("secret", problem));
        }
    }

    /** The filter as it is stored, once it parsed; {@code {}} (or none) is no filter. */
    private Map<String, Object> checkFilter(JsonNode filter, List<FieldError> errors) {
        if (filter == null || filter.isNull()) {
            return null;
        }
        try {
            PayloadFilter.parse(filter);
        } catch (InvalidFilterException e) {
            errors.add(new FieldError(e.location(), e.problem()));
            return null;
        }
        return mapper.convertValue(filter, STORED_FILTER);
    }

    /** URL shape first; then where it leads (resolving its host), only for a well-formed URL. */
    private void checkUrl(String url, List<FieldError> errors) {
        int before = errors.size();
        WebhookRules.checkUrl(url, errors);
        if (url != null && errors.size() == before) {
            String problem = targets.problemWith(url);
            if (problem != null) {
                errors.add(new FieldError("url", problem));
            }
        }
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

    /** An open breaker whose period is over lets its probe go: half open, until an outcome says otherwise. */
    private static String breakerState(Webhook w) {
        boolean over = w.getBreakerOpenUntil() != null && !w.getBreakerOpenUntil().isAfter(Instant.now());
        return "open".equals(w.getBreakerState()) && over ? "half_open" : w.getBreakerState();
    }

    static WebhookResponse toResponse(Webhook w) {
        return new WebhookResponse(w.getId(), w.getUrl(), w.getEvents(), w.isActive(), w.getSecret() != null,
                w.getDescription(), StoredSecrets.masked(w.getHeaders()), w.getRetryCount(), w.getTimeoutSeconds(),
                w.getLastTriggeredAt(), w.getLastError(), w.getSuccessCount(), w.getFailureCount(), w.getCreatedAt(),
                w.getUpdatedAt(), w.getFilter(), w.isOrdered(), w.getRateLimitPerSecond(), w.getDisabledReason(),
                w.getDisabledAt(), w.getFailingSince(), breakerState(w), w.getBreakerOpenUntil(),
                w.getPreviousSecretExpiresAt(), null, null);
    }
}
