package com.cataloghooks.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What every rendered manifest of {@code k8s/} must satisfy: each object is valid against the Kubernetes API model
 * (fabric8's, with unknown fields refused, so a misspelt or misplaced field is an error rather than silently
 * dropped by the API server), and the deployment rules of this service hold: probes, resource limits, non-root,
 * no committed secret values, selectors that select, a shutdown that fits its grace period.
 */
final class ManifestRules {

    /** The API types the manifests may use. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
    /** Strimzi's KafkaTopic (a custom resource, not in fabric8's model): the fields of its v1beta2 schema. */
    private static final String KAFKA_TOPIC = "kafka.strimzi.io/v1beta2/KafkaTopic";
    private static final Set<String> KAFKA_TOPIC_SPEC = Set.of("topicName", "partitions", "replicas", "config");
    private static final Set<String> OBJECT_META = Set.of("name", "namespace", "labels", "annotations");

    /**
     * fabric8's model classes keep unknown fields in an "additional properties" map; without that any-setter,
     * Jackson refuses them, as the API server's strict field validation does.
     */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            });

    private final List<String> problems = new ArrayList<>();
    private final List<HasMetadata> objects = new ArrayList<>();

    private ManifestRules() {
    }

    /** Every problem of the rendered documents of one kustomization; empty when all is well. */
    static List<String> check(List<JsonNode> documents) {
        ManifestRules rules = new ManifestRules();
        for (JsonNode document : documents) {
            rules.parse(document);
        }
        rules.checkObjects();
        return rules.problems;
    }

    private void parse(JsonNode document) {
        String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        String name = type + " " + document.path("metadata").path("name").asText("<no name>");
        if (type.equals(KAFKA_TOPIC)) {
            checkKafkaTopic(name, document);
            return;
        }
        Class<? extends HasMetadata> target = TYPES.get(type);
        if (target == null) {
            problems.add(name + ": not a type these manifests may use (" + TYPES.keySet() + ", " + KAFKA_TOPIC + ")");
            return;
        }
        try {
            objects.add(STRICT.treeToValue(document, target));
        } catch (Exception e) {
            problems.add(name + ": not valid against the Kubernetes API: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void checkObjects() {
        List<Deployment> deployments = all(Deployment.class);
        if (deployments.size() != 1 && !objects.isEmpty()) {
            problems.add("expected exactly one Deployment, found " + deployments.size());
        }
        for (Secret secret : all(Secret.class)) {
            if (!isEmpty(secret.getData()) || !isEmpty(secret.getStringData())) {
                problems.add(id(secret) + " has data: secret values are never committed (k8s/README.md)");
            }
        }
        for (Deployment deployment : deployments) {
            checkDeployment(deployment);
        }
    }

    private void checkDeployment(Deployment deployment) {
        String id = id(deployment);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        if (!contains(podLabels, deployment.getSpec().getSelector().getMatchLabels())) {
            problems.add(id + ": its selector does not select its own pods");
        }
        PodSecurityContext podSecurity = Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
        for (Container container : pod.getContainers()) {
            String where = id + " container " + container.getName();
            checkProbe(where, "startupProbe", container.getStartupProbe());
            checkProbe(where, "livenessProbe", container.getLivenessProbe());
            checkProbe(where, "readinessProbe", container.getReadinessProbe());
            checkResources(where, container.getResources());
            SecurityContext security = Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
            Boolean nonRoot = firstNonNull(security.getRunAsNonRoot(), podSecurity.getRunAsNonRoot());
            Long user = firstNonNull(security.getRunAsUser(), podSecurity.getRunAsUser());
            if (!Boolean.TRUE.equals(nonRoot) || Long.valueOf(0).equals(user)) {
                problems.add(where + " may run as root: runAsNonRoot must be true and runAsUser, if set, not 0");
            }
            if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
                problems.add(where + ": allowPrivilegeEscalation must be false");
            }
            if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
                problems.add(where + ": the root filesystem must be read-only");
            }
            if (container.getImage() == null || container.getImage().endsWith(":latest") || !container.getImage().contains(":")) {
                problems.add(where + ": image " + container.getImage() + " has no fixed tag (an overlay sets it)");
            }
            checkShutdown(where, pod, container);
        }
        for (Service service : all(Service.class)) {
            requireSelects(id(service), service.getSpec().getSelector(), podLabels);
        }
        for (PodDisruptionBudget budget : all(PodDisruptionBudget.class)) {
            requireSelects(id(budget), budget.getSpec().getSelector().getMatchLabels(), podLabels);
        }
        for (HorizontalPodAutoscaler hpa : all(HorizontalPodAutoscaler.class)) {
            if (!deployment.getMetadata().getName().equals(hpa.getSpec().getScaleTargetRef().getName())) {
                problems.add(id(hpa) + " scales " + hpa.getSpec().getScaleTargetRef().getName() + ", not " + id);
            }
        }
        if (pod.getServiceAccountName() != null
                && all(ServiceAccount.class).stream().noneMatch(a -> a.getMetadata().getName().equals(pod.getServiceAccountName()))) {
            problems.add(id + ": its service account " + pod.getServiceAccountName() + " is not among the manifests");
        }
        List<NetworkPolicy> policies = all(NetworkPolicy.class);
        if (policies.isEmpty()) {
            problems.add(id + ": no NetworkPolicy limits its traffic");
        }
        for (NetworkPolicy policy : policies) {
            requireSelects(id(policy), policy.getSpec().getPodSelector().getMatchLabels(), podLabels);
            checkNetworkPolicy(policy, pod);
        }
    }

    private void checkProbe(String where, String kind, Probe probe) {
        if (probe == null) {
            problems.add(where + " has no " + kind);
        } else if (probe.getHttpGet() == null || !probe.getHttpGet().getPath().startsWith("/q/health/")) {
            problems.add(where + ": " + kind + " must ask /q/health/*");
        }
    }

    private void checkResources(String where, ResourceRequirements resources) {
        for (String bound : List.of("requests", "limits")) {
            Map<String, ?> values = resources == null ? null
                    : bound.equals("requests") ? resources.getRequests() : resources.getLimits();
            for (String resource : List.of("cpu", "memory")) {
                if (values == null || values.get(resource) == null) {
                    problems.add(where + " has no resource " + bound + "." + resource);
                }
            }
        }
    }

    /** The preStop pause plus the service's shutdown budget must end before the kubelet kills the pod. */
    private void checkShutdown(String where, PodSpec pod, Container container) {
        long grace = Optional.ofNullable(pod.getTerminationGracePeriodSeconds()).orElse(30L);
        long preStop = Optional.ofNullable(container.getLifecycle())
                .map(l -> l.getPreStop())
                .map(h -> h.getSleep() == null ? 0L : h.getSleep().getSeconds())
                .orElse(0L);
        Duration shutdown = all(ConfigMap.class).stream()
                .map(c -> c.getData() == null ? null : c.getData().get("QUARKUS_SHUTDOWN_TIMEOUT"))
                .filter(Objects::nonNull)
                .map(v -> Duration.parse("PT" + v.toUpperCase()))
                .findFirst().orElse(Duration.ofSeconds(10)); // application.properties' default
        if (grace <= preStop + shutdown.toSeconds()) {
            problems.add(where + ": terminationGracePeriodSeconds " + grace + " does not cover preStop " + preStop
                    + " s + QUARKUS_SHUTDOWN_TIMEOUT " + shutdown.toSeconds() + " s");
        }
    }

    private void checkNetworkPolicy(NetworkPolicy policy, PodSpec pod) {
        Set<Integer> ports = Set.copyOf(pod.getContainers().stream()
                .flatMap(c -> c.getPorts().stream()).map(p -> p.getContainerPort()).toList());
        boolean ingressToHttp = policy.getSpec().getIngress().stream()
                .flatMap(rule -> rule.getPorts().stream())
                .map(NetworkPolicyPort::getPort)
                .anyMatch(port -> port != null && ports.contains(port.getIntVal()));
        if (!ingressToHttp) {
            problems.add(id(policy) + ": no ingress rule admits the container's port " + ports);
        }
        boolean dns = policy.getSpec().getEgress().stream()
                .flatMap(rule -> rule.getPorts().stream())
                .anyMatch(port -> port.getPort() != null && Integer.valueOf(53).equals(port.getPort().getIntVal()));
        if (!dns) {
            problems.add(id(policy) + ": no egress to DNS (port 53)");
        }
    }

    private void checkKafkaTopic(String name, JsonNode topic) {
        for (Iterator<String> it = topic.path("metadata").fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!OBJECT_META.contains(field)) {
                problems.add(name + ": unknown field metadata." + field);
            }
        }
        if (topic.path("metadata").path("labels").path("strimzi.io/cluster").asText().isEmpty()) {
            problems.add(name + ": no strimzi.io/cluster label (the Topic Operator ignores it)");
        }
        JsonNode spec = topic.path("spec");
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KAFKA_TOPIC_SPEC.contains(field)) {
                problems.add(name + ": unknown field spec." + field);
            }
        }
        for (String count : List.of("partitions", "replicas")) {
            if (!spec.path(count).isInt() || spec.path(count).asInt() < 1) {
                problems.add(name + ": spec." + count + " must be a positive integer");
            }
        }
        if (!spec.path("config").path("retention.ms").canConvertToLong()) {
            problems.add(name + ": spec.config.retention.ms is not stated");
        }
    }

    private void requireSelects(String who, Map<String, String> selector, Map<String, String> podLabels) {
        if (isEmpty(selector) || !contains(podLabels, selector)) {
            problems.add(who + ": its selector " + selector + " does not select the Deployment's pods " + podLabels);
        }
    }

    private <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static String id(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    private static boolean contains(Map<String, String> labels, Map<String, String> selector) {
        return labels != null && selector != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static boolean isEmpty(Map<?, ?> map) {
        return map == null || map.isEmpty();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
