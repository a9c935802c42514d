package io.muninn.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.cli.Muninn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code muninn demo} starts its broker and MiniCluster, streams every prompt's tokens and completion, and exits 0. */
class DemoCommandITCase {

    @Test
    void runsToCompletion() throws Exception {
        Path prompts = Path.of("src/test/resources/io/muninn/jobs/demo/tiny-random-prompts.jsonl");
        Path model = Path.of("../model/src/test/resources/golden/tiny-random");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            exit = Muninn.commandLine().execute("demo", "--model", model.toString(), "--prompts", prompts.toString(),
                    "--timeout", "PT2M");
        } finally {
            System.setOut(stdout);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("rejected (offset", "field payload")
                .containsPattern("a +#5 ")               // request a's six tokens streamed
                .containsPattern("b +#3 ")
                .containsPattern("a +length +6 tokens")  // then both completions
                .containsPattern("b +length +4 tokens")
                .contains("2 requests, 10 tokens");
    }
}
