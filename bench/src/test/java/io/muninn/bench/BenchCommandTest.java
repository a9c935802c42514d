package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.cli.Muninn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code muninn bench} through the one {@code muninn} root: the listing, each benchmark's help, the errors. */
class BenchCommandTest {

    private record Run(int exit, String out, String err) {}

    /** Runs the root as {@code bin/muninn} does; {@code out} holds picocli's output and what went to System.out. */
    private static Run run(String... args) {
        // System.out is replaced before the command line is made: picocli 4.7 printed help to the console instead
        // of the writer below when System.out changed after CommandLine.setOut.
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Muninn.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute(args);
            return new Run(code, out + captured.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void rootHelpListsEveryCommandBenchIncluded() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        for (String command : List.of("demo", "generate", "annotate", "sql", "logits", "trace", "kv", "eval", "bench", "help")) {
            assertThat(r.out()).as(command).containsPattern("(?m)^\\s+" + command + "\\s");
        }
    }

    @Test
    void benchHelpListsEveryBenchmarkWithItsDescription() {
        Run r = run("bench", "--help");
        assertThat(r.exit()).isZero();
        for (Benchmark b : BenchMain.BENCHMARKS) {
            assertThat(r.out()).as(b.name()).containsPattern("(?m)^\\s+" + Pattern.quote(b.name()) + "\\s+"
                    + Pattern.quote(b.description().substring(0, 20)));
        }
    }

    /**
     * Every benchmark BenchMain names, in a registry entry or in a {@code case} that a merge brought back, is in
     * {@code bench --help}: a benchmark added to BenchMain outside the registry fails here.
     */
    @Test
    void everyBenchmarkNamedInBenchMainIsInTheHelp() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/muninn/bench/BenchMain.java"));
        Matcher m = Pattern.compile("(?:case\\s+\"|new\\s+Benchmark\\(\\s*\")([^\"]+)\"").matcher(source);
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).hasSizeGreaterThanOrEqualTo(10).contains("batching", "serving", "soak", "sql");
        assertThat(BenchCommand.names()).containsAll(named);
        String help = run("bench", "--help").out();
        for (String name : named) {
            assertThat(help).as(name).containsPattern("(?m)^\\s+" + Pattern.quote(name) + "\\s");
        }
    }

    @Test
    void eachBenchmarksHelpPrintsItsOwnOptionsAndDefaults() {
        Run batching = run("bench", "batching", "--help");
        assertThat(batching.exit()).isZero();
        assertThat(batching.out()).contains("muninn bench batching", "--batch=VALUE", "default: 16", "--random-hidden",
                "--[no-]exit-in-prefill");
        Run replay = run("bench", "replay", "--help");
        assertThat(replay.exit()).isZero();
        assertThat(replay.out()).contains("muninn bench replay", "--model=VALUE");
    }

    @Test
    void everyBenchmarkAnswersHelpWithoutRunning() {
        for (Benchmark b : BenchMain.BENCHMARKS) {
            Run r = run("bench", b.name(), "--help");
            assertThat(r.exit()).as(b.name()).isZero();
            assertThat(r.out()).as(b.name()).contains("--");
        }
    }

    @Test
    void anUnknownBenchmarkNamesTheValidOnes() {
        Run r = run("bench", "nope", "--rows", "3");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown benchmark 'nope'");
        for (String name : BenchCommand.names()) {
            assertThat(r.err()).contains(name);
        }
        Run none = run("bench");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("a benchmark is required", "batching", "serving");
    }

    @Test
    void anUnknownOptionOfABenchmarkNamesItAndTheAcceptedOnes() {
        Run r = run("bench", "replay", "--no-such-option", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--no-such-option", "accepted", "--model");
    }
}
