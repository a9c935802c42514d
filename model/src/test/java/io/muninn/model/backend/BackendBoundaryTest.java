package io.muninn.model.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers above the backend interface name no ND4J type: the engine, the scheduler, generation, evaluation, the
 * exit criteria (whose batched checks read a backend's rows as {@code java.nio} buffers), the KV cache's block tables
 * and block accounting ({@code kv}; the rows themselves are the backend's) and the interface itself ({@code backend},
 * without {@code backend.nd4j}). A GPU backend then slots in below them.
 */
class BackendBoundaryTest {
    private static final Path SOURCES = Path.of("src/main/java/io/muninn/model");

    @Test
    void noNd4jAboveTheBackend() throws IOException {
        List<String> offenders = new ArrayList<>();
        int files = 0;
        for (String pkg : new String[] {"engine", "scheduler", "generate", "eval", "exit", "backend", "kv"}) {
            try (Stream<Path> sources = Files.list(SOURCES.resolve(pkg))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    if (Files.readString(source).contains("org.nd4j")) {
                        offenders.add(source.toString());
                    }
                }
            }
        }
        assertThat(files).as("the packages' sources were found").isGreaterThan(30);
        assertThat(offenders).isEmpty();
    }
}
