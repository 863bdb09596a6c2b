package com.cataloghooks.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

import io.quarkus.runtime.configuration.MemorySize;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every application setting a deployer may tune, under the prefix {@code catalog.}.
 * Each has an environment-variable form (e.g. {@code CATALOG_DELIVERY_BACKOFF_BASE}), listed in the README.
 */
@ConfigMapping(prefix = "catalog")
public interface CatalogConfig {

    Outbox outbox();

    Delivery delivery();

    Retention retention();

    Tasks tasks();

    Imports imports();

    Security security();

    Webhooks webhooks();

    Console console();

    interface Outbox {
        /** How often the relay looks for events that are committed but not yet on Kafka. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Events published per relay round. */
        @WithDefault("200")
        int batchSize();

        /** How long the relay waits for the broker's acknowledgement before leaving an event for the next round. */
        @WithDefault("10s")
        Duration publishTimeout();
    }

    interface Delivery {
        /**
         * First wait between attempts, in milliseconds; the n-th retry waits {@code base * 2^(n-1)}.
         * Also feeds the sender's {@code @Retry(delay)} through application.properties.
         */
        @WithDefault("2000")
        long backoffBase();

        /** Longest single wait between two attempts, in milliseconds. */
        @WithDefault("3600000")
        long backoffMax();

        /**
         * Longest wait between two attempts that a delivery spends in this replica ({@code @Retry} with
         * {@code @ExponentialBackoff}, holding its lease but no request slot and no thread). A longer wait is
         * scheduled in the database: the delivery goes back to {@code pending} with its {@code next_attempt_at},
         * and any replica takes it up when it is due.
         */
        @WithDefault("5s")
        Duration inlineRetryMax();

        /** Longest time to open a connection to a receiver; part of, never beyond, the webhook's timeout. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** Open connections kept (and reused, keep-alive) per receiver host and port, at most. */
        @WithDefault("32")
        @Min(1)
        int connectionsPerHost();

        /** Attempts written to the database per transaction, at most (log rows, delivery states, counters). */
        @WithDefault("500")
        @Min(1)
        int recordBatchSize();

        /** How often the dispatcher looks for due deliveries (besides being nudged when new ones are planned). */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * How long a claimed delivery stays reserved to its claim beyond its webhook's timeout (and a short in-process
         * wait); after that any replica may take it up again, the attempt counting as made.
         */
        @WithDefault("60s")
        Duration lease();

        /**
         * Requests to receivers in progress at once in this replica, over all webhooks. Requests are non-blocking and
         * cost a few kilobytes each; keep it well above {@code max-in-flight-per-webhook} times the number of
         * receivers that may hang at once, so that they cannot take every slot.
         */
        @WithDefault("1000")
        int maxInFlight();

        /**
         * Requests in progress at once to one webhook in this replica, so a slow receiver cannot take them all.
         * Deliveries waiting for their next attempt do not count.
         */
        @WithDefault("8")
        int maxInFlightPerWebhook();

        /**
         * On shutdown, how long attempts already under way may take to finish before the replica hands every
         * unfinished delivery back. Keep it below {@code quarkus.shutdown.timeout} and the pod's grace period.
         */
        @WithDefault("10s")
        Duration shutdownGrace();

        /**
         * Characters of a receiver's response body kept in a log row; the rest of the answer is not read (the
         * connection is closed instead).
         */
        @WithDefault("1000")
        int responseBodyLimit();
    }

    interface Retention {
        /** Attempt logs, finished deliveries and tasks, and published outbox events older than this are deleted. */
        @WithDefault("30d")
        Duration maxAge();

        /** Rows deleted per statement, so a purge never holds long locks or a huge transaction. */
        @WithDefault("5000")
        int batchSize();

        /** How often the purge runs. */
        @WithDefault("1h")
        Duration interval();
    }

    /** Background tasks: CSV imports, bulk deletes and replays. */
    interface Tasks {
        /** Tasks that run at once in this replica; more wait as {@code queued}. */
        @WithDefault("2")
        @Min(1)
        int concurrency();

        /** Tasks that may wait as {@code queued} in this replica; beyond, a new import or bulk delete gets 503. */
        @WithDefault("8")
        @Min(0)
        int maxQueued();

        /** On shutdown, how long a running task's current step may take before the task is ended as failed. */
        @WithDefault("5s")
        Duration shutdownGrace();

        /** How often a replica confirms, in the database, that its unfinished tasks are still alive. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /**
         * An unfinished task whose replica has not confirmed it for this long is ended as failed (its replica
         * crashed or was killed). Keep it several times {@code heartbeat-interval}.
         */
        @WithDefault("30s")
        Duration staleAfter();

        /** How often a progress stream ({@code .../events}) sends the task's state; at most 1 s. */
        @WithDefault("500ms")
        Duration progressInterval();

        /** Products deleted per transaction by a bulk delete. */
        @WithDefault("1000")
        @Min(1)
        int deleteBatchSize();

        /** Deliveries re-queued, or missed events planned, per transaction by a replay. */
        @WithDefault("500")
        @Min(1)
        int replayBatchSize();
    }

    interface Imports {
        /** Largest accepted upload (the whole request body); a larger one gets 413. */
        @WithDefault("256M")
        MemorySize maxUploadSize();

        /**
         * Where uploaded files wait for their import (on the replica that accepted them). Defaults to
         * {@code catalog-imports} under the system temporary directory.
         */
        Optional<String> directory();

        /** Rows written per transaction (fewer when they are long); progress advances by this much. */
        @WithDefault("5000")
        @Min(1)
        int batchSize();

        /**
         * Database connections one import writes a batch through at once. Each SKU always goes through the same
         * one, in file order, so the last row for a SKU still wins. More than one pays where the database has
         * cores to spare (not when it shares two cores with the service, as in the benchmark).
         */
        @WithDefault("1")
        @Min(1)
        int writers();

        /** Row errors kept on a task with their row, column and message (all are counted). */
        @WithDefault("100")
        @Min(0)
        int errorSamples();
    }

    /** Who may call the API, and how stored secrets are protected. See the README's "Security" section. */
    interface Security {
        /**
         * API keys, each {@code <name>:<sha256 of the key, hex>:<role>[+<role>...]}, comma-separated. Only the hash
         * is configured; {@code scripts/new-api-key} makes a key and its entry.
         */
        Optional<List<String>> apiKeys();

        /**
         * Keys that encrypt webhook secrets and custom header values at rest, each {@code <id>:<32 bytes, base64>},
         * comma-separated. Required.
         */
        Optional<List<String>> encryptionKeys();

        /** The id (from {@code encryption-keys}) new values are encrypted with; defaults to the first listed. */
        Optional<String> activeEncryptionKey();

        /** Who may read {@code /q/metrics}: {@code permit} (anyone) or {@code authenticated} (any valid credential). */
        @WithDefault("permit")
        String metricsAccess();

        /** Who may read the OpenAPI document and Swagger UI: {@code permit} or {@code authenticated}. */
        @WithDefault("permit")
        String apiDocsAccess();

        /** Failed authentications logged at WARN at most once per this interval (the rest are counted). */
        @WithDefault("10s")
        Duration failureLogInterval();
    }

    /** Where webhooks may point, how they are tested, disabled, rotated and deleted. */
    interface Webhooks {
        /**
         * Lets webhook URLs reach loopback, private, link-local and other internal addresses. Off in production:
         * a webhook URL must not become a way into the network the service runs in.
         */
        @WithDefault("false")
        boolean allowPrivateTargets();

        /** Internal ranges webhooks may reach all the same (e.g. an in-cluster receiver), as CIDRs. */
        Optional<List<String>> allowedCidrs();

        /** Test sends in progress at once per webhook; more get 429. */
        @WithDefault("2")
        @Min(1)
        int maxTestsPerWebhook();

        /** Test sends in progress at once in this replica, over all webhooks; more get 429. */
        @WithDefault("8")
        @Min(1)
        int maxTests();

        /** A webhook whose deliveries have all failed for this long is deactivated, with a reason. */
        @WithDefault("3d")
        Duration disableAfterFailing();

        /** How often webhooks are checked for {@link #disableAfterFailing()}. */
        @WithDefault("1m")
        Duration disableCheckInterval();

        /** After a secret rotation, how long the previous secret keeps signing too, unless the call says. */
        @WithDefault("24h")
        Duration secretGracePeriod();

        /**
         * Log rows, and then deliveries, removed per transaction when a webhook is deleted, so that a delete never
         * holds many row locks, nor any for long, whatever the webhook's history.
         */
        @WithDefault("5000")
        @Min(1)
        int deleteBatchSize();

        /** The per-webhook circuit breaker over its receiver (one per webhook and replica). */
        Breaker breaker();
    }

    interface Breaker {
        /** How many of the last attempts are judged. */
        @WithDefault("10")
        @Min(1)
        int requestVolume();

        /** The share of those that failed for the breaker to open. */
        @WithDefault("1.0")
        double failureRatio();

        /** How long it stays open (deliveries held, no attempt spent) before one probe may go. */
        @WithDefault("60s")
        Duration delay();
    }

    /** The web console at {@code /}. See the README's "Console" section. */
    interface Console {
        /** How long a sign-in lasts (a JWT's sign-in ends with the JWT, if sooner). */
        @WithDefault("8h")
        Duration sessionTimeout();

        /**
         * Whether the session cookie is {@code Secure} (and named with the {@code __Host-} prefix). Leave it on
         * whenever the console is reached over HTTPS, which is everywhere but a developer's machine.
         */
        @WithDefault("true")
        boolean secureCookie();
    }
}
