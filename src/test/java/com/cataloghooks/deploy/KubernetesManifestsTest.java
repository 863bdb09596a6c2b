package com.cataloghooks.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kustomizations under {@code k8s/}, rendered, against {@link ManifestRules}. The renderings are committed under
 * {@code k8s/rendered/} ({@code scripts/k8s-render} writes them) so they are checked on any machine; where
 * {@code kubectl} exists, a fresh {@code kubectl kustomize} must match them.
 */
class KubernetesManifestsTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path K8S = Path.of("k8s");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "kafka-topics"})
    void everyRenderedObjectIsValidAndFollowsTheRules(String kustomization) throws IOException {
        List<JsonNode> documents = committed(kustomization);
        assertFalse(documents.isEmpty(), kustomization + " renders nothing");
        assertEquals(List.of(), ManifestRules.check(documents));
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "kafka-topics"})
    void theCommittedRenderingIsCurrent(String kustomization) throws Exception {
        assumeTrue(kubectlPresent(), "kubectl is not installed: the committed rendering is checked as it is");
        assertEquals(committed(kustomization), render(kustomization),
                "k8s/rendered/ is stale for " + kustomization + ": run scripts/k8s-render");
    }

    @Test
    void prodRunsTheNativeImageAndDevTheJvmOne() throws IOException {
        JsonNode prod = deployment(committed("overlays/prod"));
        JsonNode dev = deployment(committed("overlays/dev"));
        assertTrue(container(prod).path("image").asText().startsWith("catalog-hooks-native:"), prod.toString());
        assertEquals(1001, prod.at("/spec/template/spec/securityContext/runAsUser").asInt());
        assertTrue(container(dev).path("image").asText().startsWith("catalog-hooks-jvm:"), dev.toString());
        assertEquals(185, dev.at("/spec/template/spec/securityContext/runAsUser").asInt());
        List<String> prodKinds = committed("overlays/prod").stream().map(d -> d.path("kind").asText()).toList();
        assertTrue(prodKinds.containsAll(List.of("Deployment", "Service", "ServiceAccount", "ConfigMap",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy")), prodKinds.toString());
        List<String> topics = committed("kafka-topics").stream().map(d -> d.at("/spec/topicName").asText()).toList();
        assertEquals(List.of("product-events", "product-events-dlq"), topics.stream().sorted().toList());
    }

    /** Each rule catches what it is about: the prod rendering, broken one way at a time. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void eachRuleCatchesItsBreakage(String breakage, Consumer<List<JsonNode>> breakIt, String expected) throws IOException {
        List<JsonNode> documents = new ArrayList<>(committed("overlays/prod"));
        documents.addAll(committed("kafka-topics"));
        breakIt.accept(documents);
        List<String> problems = ManifestRules.check(documents);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), breakage + ": " + problems);
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                Arguments.of("no readiness probe", onContainer(c -> c.remove("readinessProbe")), "has no readinessProbe"),
                Arguments.of("no startup probe", onContainer(c -> c.remove("startupProbe")), "has no startupProbe"),
                Arguments.of("no memory limit", onContainer(c -> ((ObjectNode) c.at("/resources/limits")).remove("memory")),
                        "has no resource limits.memory"),
                Arguments.of("root user", onPod(p -> ((ObjectNode) p.path("securityContext")).put("runAsUser", 0)),
                        "may run as root"),
                Arguments.of("root allowed", onPod(p -> ((ObjectNode) p.path("securityContext")).put("runAsNonRoot", false)),
                        "may run as root"),
                Arguments.of("writable root filesystem",
                        onContainer(c -> ((ObjectNode) c.path("securityContext")).put("readOnlyRootFilesystem", false)),
                        "root filesystem must be read-only"),
                Arguments.of("a Secret with data", (Consumer<List<JsonNode>>) docs -> docs.add(yaml(
                        "{apiVersion: v1, kind: Secret, metadata: {name: db}, stringData: {password: hunter2}}")), "has data"),
                Arguments.of("a misspelt field", onContainer(c -> c.set("livenessprobe", c.remove("livenessProbe"))),
                        "not valid against the Kubernetes API"),
                Arguments.of("a misplaced field", onContainer(c -> ((ObjectNode) c.path("resources")).put("memory", "1Gi")),
                        "not valid against the Kubernetes API"),
                Arguments.of("a short grace period", onPod(p -> p.put("terminationGracePeriodSeconds", 20)), "does not cover"),
                Arguments.of("a Service selecting nothing", (Consumer<List<JsonNode>>) docs -> ((ObjectNode) of(docs, "Service")
                        .path("spec").path("selector")).put("app.kubernetes.io/name", "other"), "does not select"),
                Arguments.of("no NetworkPolicy", (Consumer<List<JsonNode>>) docs -> docs.remove(of(docs, "NetworkPolicy")),
                        "no NetworkPolicy"),
                Arguments.of("a KafkaTopic typo", (Consumer<List<JsonNode>>) docs -> ((ObjectNode) of(docs, "KafkaTopic")
                        .path("spec")).put("partition", 6), "unknown field spec.partition"),
                Arguments.of("an untagged image", onContainer(c -> c.put("image", "catalog-hooks:latest")), "no fixed tag"));
    }

    private static Consumer<List<JsonNode>> onPod(Consumer<ObjectNode> change) {
        return docs -> change.accept((ObjectNode) of(docs, "Deployment").at("/spec/template/spec"));
    }

    private static Consumer<List<JsonNode>> onContainer(Consumer<ObjectNode> change) {
        return docs -> change.accept((ObjectNode) container(of(docs, "Deployment")));
    }

    private static JsonNode of(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst().orElseThrow();
    }

    private static JsonNode deployment(List<JsonNode> documents) {
        return of(documents, "Deployment");
    }

    private static JsonNode container(JsonNode deployment) {
        ArrayNode containers = (ArrayNode) deployment.at("/spec/template/spec/containers");
        return containers.get(0);
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The committed rendering, a fresh tree on every call (breakages change it). */
    private static List<JsonNode> committed(String kustomization) throws IOException {
        Path file = K8S.resolve("rendered").resolve(Path.of(kustomization).getFileName() + ".yaml");
        return documents(Files.readString(file));
    }

    private static List<JsonNode> render(String kustomization) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(kustomization).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
        assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + kustomization + " failed");
        return documents(out);
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static boolean kubectlPresent() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
