package com.cataloghooks.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The two packages the build makes of the service, each started the way a deployer starts it: the JVM fast-jar
 * ({@code java -jar target/quarkus-app/quarkus-run.jar}) and the native executable ({@code target/*-runner}).
 */
public enum PackagedArtifact {

    JAR {
        @Override
        Path path() {
            return Path.of("target", "quarkus-app", "quarkus-run.jar");
        }

        @Override
        List<String> command(String maxHeap) {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), maxHeap, "-jar",
                    path().toString());
        }

        @Override
        String howToBuild() {
            return "`./mvnw verify` packages it";
        }
    },

    NATIVE {
        @Override
        Path path() {
            // set by failsafe (pom.xml); the default matches Quarkus' naming for this project
            return Path.of(System.getProperty("native.image.path", "target/catalog-hooks-1.0.0-SNAPSHOT-runner"));
        }

        @Override
        List<String> command(String maxHeap) {
            // SubstrateVM takes the same -Xmx at run time; the young generation as k8s/overlays/prod sets it
            return List.of(path().toString(), maxHeap, YOUNG_GENERATION);
        }

        @Override
        String howToBuild() {
            return "`scripts/native-check` builds it (or `./mvnw verify -Dnative` with a GraalVM)";
        }
    };

    /**
     * The native executable's young generation, as deployed ({@code k8s/overlays/prod}): SubstrateVM's default is
     * a tenth of the maximum heap, whose eden pages are all touched before the first collection.
     */
    public static final String YOUNG_GENERATION = "-Xmn16m";

    /** Property naming the package integration tests run: {@code jar} (default) or {@code native}. */
    public static final String PROPERTY = "catalog.test.artifact";

    abstract Path path();

    abstract List<String> command(String maxHeap);

    abstract String howToBuild();

    /** The package named by {@value #PROPERTY}; {@code -Dnative} sets it to {@code native} (pom.xml). */
    public static PackagedArtifact selected() {
        String name = System.getProperty(PROPERTY, "jar").trim();
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PROPERTY + " must be jar or native, not '" + name + "'", e);
        }
    }

    void requirePresent() {
        if (!Files.isRegularFile(path())) {
            throw new IllegalStateException(path() + " is missing: " + howToBuild());
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT) + " (" + path() + ")";
    }
}
