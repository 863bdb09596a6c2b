package com.cataloghooks.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The client threads: each draws operations from a weighted mix with its own seeded {@link Random} (so a thread's
 * sequence of operations is the same for the same seed; what the service answers depends on timing), with a short
 * pause between them, until the deadline. Product writes dominate, as in production; every webhook and delivery
 * operation of the API is in the mix.
 */
final class Operations {

    /** An operation and its weight in the mix. */
    private record Weighted(int weight, String name, java.util.function.Consumer<Client> action) {
    }

    /** One client thread's state. */
    private record Client(ProductOperations products, WebhookOperations webhooks, Random random) {
    }

    private static final List<Weighted> MIX = List.of(
            new Weighted(24, "product create", c -> c.products().create()),
            new Weighted(22, "product update", c -> c.products().update()),
            new Weighted(7, "product delete", c -> c.products().delete()),
            new Weighted(4, "product burst", c -> c.products().burst()),
            new Weighted(2, "import", c -> c.products().importCsv()),
            new Weighted(2, "bulk delete", c -> c.products().bulkDelete()),
            new Weighted(3, "webhook create", c -> c.webhooks().createChurn()),
            new Weighted(3, "webhook update", c -> c.webhooks().update()),
            new Weighted(3, "webhook (de)activate", c -> c.webhooks().toggleActive()),
            new Weighted(2, "webhook delete", c -> c.webhooks().delete()),
            new Weighted(1, "webhook ordered", c -> c.webhooks().toggleOrdered()),
            new Weighted(2, "webhook rate limit", c -> c.webhooks().rateLimit()),
            new Weighted(3, "secret rotate", c -> c.webhooks().rotateSecret()),
            new Weighted(1, "secret set", c -> c.webhooks().plainSecret()),
            new Weighted(4, "redeliver", c -> c.webhooks().redeliver()),
            new Weighted(2, "replay", c -> c.webhooks().replay()),
            new Weighted(1, "test send", c -> c.webhooks().testSend()),
            new Weighted(14, "read", c -> c.webhooks().read()));
    private static final int TOTAL = MIX.stream().mapToInt(Weighted::weight).sum();

    private final SoakSettings settings;
    private final ApiClient api;
    private final History history;
    private final Receivers receivers;
    private final String runTag;
    private final List<Throwable> crashes = new CopyOnWriteArrayList<>();

    Operations(SoakSettings settings, ApiClient api, History history, Receivers receivers, String runTag) {
        this.settings = settings;
        this.api = api;
        this.history = history;
        this.receivers = receivers;
        this.runTag = runTag;
    }

    void createCoreWebhooks() {
        new WebhookOperations(api, history, receivers, new Random(settings.seedFor(1000)), runTag).createCore();
    }

    /** Runs the client threads until {@code deadlineNanos}; returns when all have stopped. */
    void run(long deadlineNanos) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            Random random = new Random(settings.seedFor(t));
            Client client = new Client(new ProductOperations(t, runTag, api, history, random),
                    new WebhookOperations(api, history, receivers, random, runTag), random);
            Thread thread = new Thread(() -> loop(client, deadlineNanos), "soak-client-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Failures of the client itself (not of the service): a run with any is not a valid run. */
    List<Throwable> crashes() {
        return List.copyOf(crashes);
    }

    private void loop(Client client, long deadline) {
        while (System.nanoTime() < deadline) {
            Weighted op = draw(client.random());
            try {
                op.action().accept(client);
            } catch (RuntimeException e) {
                crashes.add(new IllegalStateException(op.name() + ": " + e, e));
                e.printStackTrace();
            }
            try {
                Thread.sleep(20 + client.random().nextInt(100)); // a client's think time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Weighted draw(Random random) {
        int n = random.nextInt(TOTAL);
        for (Weighted op : MIX) {
            n -= op.weight();
            if (n < 0) {
                return op;
            }
        }
        throw new IllegalStateException();
    }
}
