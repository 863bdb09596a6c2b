package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Call;
import com.cataloghooks.testsupport.Signatures;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Invariant 6 of DESIGN.md, and the receivers' check of every signature.
 *
 * <h2>Counters equal log rows</h2>
 * The service counts once per finished delivery, in the transaction that writes its last attempt
 * ({@code AttemptRecorder}): a delivery that ends {@code succeeded} adds one to {@code success_count} and writes one
 * attempt row answered 2xx (every 2xx ends a delivery), so {@code success_count} must equal the webhook's non-test
 * {@code webhook_logs} rows with a 2xx status. A delivery that ends {@code failed} adds one to {@code failure_count};
 * it writes its last attempt's row, except when it ended for having no attempts left (its last attempts were lost
 * with a replica), so failures are compared with the deliveries' transitions to {@code failed}, which the soak's
 * trigger writes down as they commit ({@code soak_finished}, see {@link Cluster}): a delivery sent again
 * ({@code redeliver}, {@code replay}) ends, and counts, again. Both counters are read from the API
 * ({@code GET /webhooks/{id}}) once every webhook is deactivated and nothing is in flight.
 *
 * <h2>No secret in clear</h2>
 * No signing secret the run gave or got (created, generated, rotated to, set) and no custom header value appears in
 * any replica's log file, in any API answer except the two that return a secret on purpose (a create with
 * {@code generate_secret}, a rotation), or in clear in the {@code webhooks} table. Text is cut into runs of base64
 * characters and each run looked up among the secrets' cores (a {@code whsec_} secret's key without its padding, the
 * random part of the others), so a secret is found whatever surrounds it (unless glued to other base64 characters).
 *
 * <h2>Signatures</h2>
 * Every request a receiver got for a webhook with a known secret carries {@code X-Webhook-Signature} and
 * {@code webhook-signature}, and each signature in them verifies with one of the secrets that webhook had during the
 * run (the service signs with the secret its claim read; a rotation's previous secret signs too). Requests after a
 * rotation whose answer never came (the new secret unknown), until a secret of the client's own replaced it, are not
 * judged.
 */
final class BookkeepingInvariants {

    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]+");
    private static final Pattern SECRET_CORE = Pattern.compile("^(?:whsec_|soak-plain-|hv-)(.+)$");

    private final History history;
    private final Observed observed;

    BookkeepingInvariants(History history, Observed observed) {
        this.history = history;
        this.observed = observed;
    }

    List<Verdict> judge() {
        Verdict stale = Verdict.info("6", "deliveries with two attempt rows written by one transaction (a claim taken"
                + " over recorded too)");
        observed.twoAttemptsInOneTransaction.forEach(stale::fail);
        return List.of(counters(), stale, secrets(), signatures());
    }

    private Verdict counters() {
        Verdict verdict = Verdict.of("6", "webhook counters equal its log rows and finished deliveries (webhooks)");
        for (WebhookRecord webhook : history.webhooks()) {
            Observed.Counters api = webhook.id() == null ? null : observed.apiCounters.get(webhook.id());
            if (api == null) {
                continue;
            }
            long successRows = observed.successLogs.getOrDefault(webhook.id(), 0L);
            Observed.Counters ended = observed.finished.getOrDefault(webhook.id(), new Observed.Counters(0, 0));
            if (api.success() == successRows && ended.success() == successRows && api.failure() == ended.failure()) {
                verdict.pass();
            } else {
                verdict.fail(webhook + ": success_count " + api.success() + ", attempts answered 2xx in webhook_logs "
                        + successRows + ", deliveries ended succeeded " + ended.success() + "; failure_count "
                        + api.failure() + ", deliveries ended failed " + ended.failure());
            }
        }
        return verdict;
    }

    private Verdict secrets() {
        Verdict verdict = Verdict.of("6", "no secret in a log file, an API answer or the webhooks table (places x secrets)");
        Map<String, String> cores = new HashMap<>();
        for (String secret : history.secrets()) {
            Matcher m = SECRET_CORE.matcher(secret);
            cores.put((m.matches() ? m.group(1) : secret).replaceAll("=+$", ""), secret);
        }
        List<String[]> places = new ArrayList<>();
        observed.logFiles.forEach((file, text) -> places.add(new String[]{"log " + file, text}));
        for (Call call : history.calls()) {
            if (call.body() != null && !call.returnsSecret()) {
                places.add(new String[]{"answer to " + call.method() + " " + call.path() + " at " + call.sent(),
                        call.body()});
            }
        }
        observed.storedSecrets.forEach((id, text) -> places.add(new String[]{"webhooks row " + id, text}));
        for (String[] place : places) {
            Set<String> found = new java.util.TreeSet<>();
            Matcher run = BASE64_RUN.matcher(place[1] == null ? "" : place[1]);
            while (run.find()) {
                String secret = cores.get(run.group());
                if (secret != null) {
                    found.add(secret);
                }
            }
            verdict.checked += cores.size();
            for (String secret : found) {
                verdict.violations++;
                if (verdict.examples.size() < 5) {
                    verdict.examples.add(secret.substring(0, Math.min(14, secret.length())) + "... in " + place[0]);
                }
            }
        }
        verdict.note(cores.size() + " secrets, " + places.size() + " places");
        return verdict;
    }

    private Verdict signatures() {
        Verdict verdict = Verdict.of("6", "request signatures verify with a secret of its webhook (requests)");
        Map<String, WebhookRecord> byPath = new HashMap<>();
        history.webhooks().forEach(w -> byPath.put(w.path, w));
        long unjudged = 0;
        for (ReceivedRequest request : observed.requests) {
            WebhookRecord webhook = byPath.get(request.path());
            if (webhook == null || webhook.id() == null) {
                continue;
            }
            if (webhook.secretUnknownAt(request.receivedAt())) {
                unjudged++;
                continue;
            }
            String problem = problem(request, webhook.secrets());
            if (problem == null) {
                verdict.pass();
            } else {
                verdict.fail(webhook + ", request " + request.header("webhook-id") + " at " + request.receivedAt()
                        + ": " + problem);
            }
        }
        verdict.note(unjudged + " requests not judged (sent after a rotation whose answer never came, before a secret of"
                + " the client's own replaced it)");
        return verdict;
    }

    private static String problem(ReceivedRequest request, List<String> secrets) {
        String body = request.header("X-Webhook-Signature");
        String standard = request.header("webhook-signature");
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        if (body == null || standard == null || id == null || timestamp == null) {
            return "signature headers missing";
        }
        byte[] raw = request.body();
        if (secrets.stream().noneMatch(s -> Signatures.expectedBodySignature(s, raw).equals(body))) {
            return "X-Webhook-Signature verifies with none of the webhook's " + secrets.size() + " secrets";
        }
        for (String signature : standard.trim().split(" +")) {
            if (secrets.stream().noneMatch(s -> Signatures.expectedStandardSignature(s, id, timestamp, raw)
                    .equals(signature))) {
                return "webhook-signature '" + signature.substring(0, Math.min(12, signature.length()))
                        + "...' verifies with none of the webhook's " + secrets.size() + " secrets";
            }
        }
        return null;
    }
}
