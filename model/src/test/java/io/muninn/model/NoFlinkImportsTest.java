package io.muninn.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine module never imports Flink (so it runs and tests without a cluster); the operator in flink-operators adapts it. */
class NoFlinkImportsTest {

    @Test
    void modelSourcesImportNoFlink() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            assertThat(Files.readAllLines(file))
                    .as("imports of %s", file)
                    .noneMatch(line -> line.matches("\\s*import\\s+(static\\s+)?org\\.apache\\.flink\\..*"));
        }
    }
}
