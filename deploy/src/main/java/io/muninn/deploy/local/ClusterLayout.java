package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the local cluster's pieces are: the class paths Maven assembled in the repository (deploy/runtime-flink,
 * deploy/runtime-kafka, the job jar) and a run directory of its own (configuration, logs, PIDs, Kafka data,
 * checkpoints and savepoints).
 */
public record ClusterLayout(Path repoRoot, Path runDir) {

    public ClusterLayout {
        repoRoot = repoRoot.toAbsolutePath().normalize();
        runDir = runDir.toAbsolutePath().normalize();
    }

    /** The repository root found from {@code start} upwards (the folder holding deploy/runtime-flink). */
    public static Path findRepoRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/runtime-flink")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no Muninn checkout above " + start.toAbsolutePath());
    }

    public Path flinkLib() {
        return built(repoRoot.resolve("deploy/runtime-flink/target/lib"));
    }

    public Path flinkPlugins() {
        return built(repoRoot.resolve("deploy/runtime-flink/target/plugins"));
    }

    public Path kafkaLib() {
        return built(repoRoot.resolve("deploy/runtime-kafka/target/lib"));
    }

    /** The shaded job jar ({@code jobs/target/muninn-jobs-<version>-job.jar}). */
    public Path jobJar() {
        Path target = repoRoot.resolve("jobs/target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("muninn-jobs-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar in " + target + "; build it with "
                            + "`mvn -pl deploy -am package -DskipTests` (deploy/local/up does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path templates() {
        return repoRoot.resolve("deploy/local/conf");
    }

    public Path confDir() {
        return runDir.resolve("conf");
    }

    public Path logDir() {
        return runDir.resolve("log");
    }

    public Path pidDir() {
        return runDir.resolve("pid");
    }

    public Path kafkaData() {
        return runDir.resolve("kafka-data");
    }

    public Path checkpoints() {
        return runDir.resolve("checkpoints");
    }

    public Path savepoints() {
        return runDir.resolve("savepoints");
    }

    /** Copies {@code template} from deploy/local/conf into the run's conf directory, filling its {@code @KEY@}s. */
    Path render(String template, Map<String, String> values) {
        try {
            String text = Files.readString(templates().resolve(template), StandardCharsets.UTF_8);
            for (var e : values.entrySet()) {
                text = text.replace("@" + e.getKey() + "@", e.getValue());
            }
            int open = text.indexOf('@');
            while (open >= 0) {
                int close = text.indexOf('@', open + 1);
                if (close > open && text.substring(open + 1, close).matches("[A-Z_]+")) {
                    throw new IllegalStateException(template + " has no value for @" + text.substring(open + 1, close) + "@");
                }
                open = close < 0 ? -1 : text.indexOf('@', close + 1);
            }
            Files.createDirectories(confDir());
            Path out = confDir().resolve(template);
            Files.writeString(out, text, StandardCharsets.UTF_8);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path built(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing; build it with `mvn -pl deploy -am package -DskipTests`"
                    + " (deploy/local/up does)");
        }
        return dir;
    }
}
