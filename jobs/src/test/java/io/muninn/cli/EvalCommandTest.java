package io.muninn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code muninn eval}: the committed tiny model reproduces its expected numbers on a fixed subset, and the command's
 * table, JSON and errors on the golden random model.
 */
class EvalCommandTest {
    /** The shipped tiny model (tools/tiny-model), relative to the jobs module. */
    static final Path TINY = Path.of("../models/huginn-tiny-chains");
    /** The subset the test runs: the first examples of each difficulty level, at two fixed depths and the exit. */
    static final int PER_LEVEL = 5;
    static final List<String> DEPTHS = List.of("1", "8");
    /**
     * The reference numbers on that subset, in {@code evaluate.py}'s {@code eval_python.json} layout: the PyTorch
     * evaluation of the first {@value #PER_LEVEL} examples per difficulty. Regenerate it whenever the model changes
     * (from the repository root):
     * <pre>
     * python3 -c "import json,sys; from collections import Counter; c=Counter(); [sys.stdout.write(l) for l in
     *   open('models/huginn-tiny-chains/eval.jsonl') if c.update([json.loads(l)['difficulty']]) or
     *   c[json.loads(l)['difficulty']] <= 5]" > /tmp/subset.jsonl
     * /usr/bin/python3 tools/tiny-model/evaluate.py models/huginn-tiny-chains --eval-set /tmp/subset.jsonl \
     *   --exit-in-prefill --out jobs/src/test/resources/io/muninn/cli/huginn-tiny-chains-eval-subset.json
     * </pre>
     * ({@code bin/muninn eval --model models/huginn-tiny-chains --per-level 5 --depths 1,8 --exit-in-prefill --json}
     * writes the same layout, for a Java-only baseline.) With exit in prefill, the mode in which the model's README
     * shows all three claims, the prefill's exit is compared too.
     */
    static final String EXPECTED = "huginn-tiny-chains-eval-subset.json";
    /** Mean steps may move by this much (a token exiting a step earlier or later under another BLAS's rounding). */
    static final double STEPS_TOLERANCE = 0.25;
    private static final Path GOLDEN = Path.of("../model/src/test/resources/golden/tiny-random");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // built after the redirect: picocli's execute() swaps in writers over the System streams it was built with
            int code = Muninn.commandLine().execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /**
     * Greedy evaluation is deterministic and follows evaluate.py's semantics, so Java must reproduce the reference
     * numbers of the committed model. Tolerance: one example per setting and per difficulty level (a near-tie argmax
     * may flip between fp32 implementations), and {@link #STEPS_TOLERANCE} mean steps.
     */
    @Test
    void theCommittedModelReproducesItsExpectedAccuracy() throws IOException {
        assertThat(TINY.resolve("model.safetensors"))
                .as("the tiny model must be committed in models/huginn-tiny-chains (tools/tiny-model/export.py)")
                .isRegularFile();
        JsonObject expected;
        try (var in = EvalCommandTest.class.getResourceAsStream(EXPECTED)) {
            assertThat(in).as("test resource " + EXPECTED).isNotNull();
            expected = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        JsonObject s = expected.getAsJsonObject("settings");
        String[] args = {"eval", "--model", TINY.toString(), "--json", "--per-level", Integer.toString(PER_LEVEL),
                "--depths", String.join(",", DEPTHS), "--criterion", "kl", "--threshold", s.get("threshold").getAsString(),
                "--max-steps", s.get("max_steps").getAsString(), "--kv-strategy", s.get("kv").getAsString(),
                "--init-scale", s.get("init_scale").getAsString(), "--seed", s.get("seed").getAsString()};
        // both spelled out: the expected file says which mode it was made in, whatever eval's default is
        boolean inPrefill = s.has("exit_in_prefill") && s.get("exit_in_prefill").getAsBoolean();
        args = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of(inPrefill ? "--exit-in-prefill" : "--no-exit-in-prefill")).toArray(String[]::new);
        Run r = run(args);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject actual = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String depth : DEPTHS) {
            assertThat(expected.getAsJsonObject("fixed").has(depth)).as("%s has depth %s", EXPECTED, depth).isTrue();
            assertSetting("r=" + depth, expected.getAsJsonObject("fixed").getAsJsonObject(depth),
                    actual.getAsJsonObject("fixed").getAsJsonObject(depth));
        }
        assertSetting("kl", expected.getAsJsonObject("kl"), actual.getAsJsonObject("kl"));
    }

    private static void assertSetting(String setting, JsonObject expected, JsonObject actual) {
        assertStats(setting + " overall", expected.getAsJsonObject("overall"), actual.getAsJsonObject("overall"));
        JsonObject levels = expected.getAsJsonObject("by_difficulty");
        assertThat(actual.getAsJsonObject("by_difficulty").keySet()).isEqualTo(levels.keySet());
        for (String d : levels.keySet()) {
            assertStats(setting + " difficulty " + d, levels.getAsJsonObject(d),
                    actual.getAsJsonObject("by_difficulty").getAsJsonObject(d));
        }
    }

    private static void assertStats(String what, JsonObject expected, JsonObject actual) {
        int n = expected.get("n").getAsInt();
        assertThat(actual.get("n").getAsInt()).as("%s examples", what).isEqualTo(n);
        assertThat(actual.get("accuracy").getAsDouble()).as("%s accuracy (tolerance: one of %s examples)", what, n)
                .isCloseTo(expected.get("accuracy").getAsDouble(), within(1.0 / n + 1e-9));
        assertThat(actual.get("mean_steps").getAsDouble()).as("%s mean steps", what)
                .isCloseTo(expected.get("mean_steps").getAsDouble(), within(STEPS_TOLERANCE));
    }

    private Path goldenEvalSet() throws IOException {
        // random weights: the answers are arbitrary; the point is the plumbing
        return Files.writeString(dir.resolve("eval.jsonl"), String.join("\n",
                "{\"prompt\": \"\", \"answer\": \"\", \"difficulty\": 1, \"prompt_ids\": [90, 12, 45, 7, 33], \"answer_ids\": [82, 3, 91]}",
                "{\"prompt\": \"\", \"answer\": \"\", \"difficulty\": 2, \"prompt_ids\": [90, 3], \"answer_ids\": [5, 91]}",
                "{\"prompt\": \"\", \"answer\": \"\", \"difficulty\": 2, \"prompt_ids\": [90, 5, 5, 5], \"answer_ids\": [1, 2, 91]}",
                "{\"prompt\": \"\", \"answer\": \"\", \"difficulty\": 1, \"prompt_ids\": [90, 40], \"answer_ids\": [7, 91]}") + "\n");
    }

    @Test
    void printsATableRowPerDifficultyAndTheClaims() throws IOException {
        Run r = run("eval", "--model", GOLDEN.toString(), "--eval-file", goldenEvalSet().toString(), "--depths", "2,1,4",
                "--max-steps", "6", "--init-scale", "0", "--per-level", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).contains("on eval.jsonl: 2 examples (the first 1 per difficulty), greedy, kv latest-m4, init-scale 0.0")
                .contains("kl exit at 5e-4, max 6 steps");
        assertThat(lines[2]).isEqualTo("| difficulty | r=1 | r=2 | r=4 | KL exit | KL mean steps | KL mean steps (decoded tokens) |");
        assertThat(lines[3]).isEqualTo("|---|---|---|---|---|---|---|");
        assertThat(lines[4]).startsWith("| 1 | ");
        assertThat(lines[5]).startsWith("| 2 | ");
        assertThat(lines[6]).startsWith("| all | ");
        assertThat(lines[8]).startsWith("- accuracy rises with depth, then saturates: ");
        assertThat(lines[9]).startsWith("- kl exit at 5e-4 within one point of the best fixed depth with fewer mean steps: ");
        assertThat(lines[10]).startsWith("- kl mean steps grow with difficulty: ");
        assertThat(r.err()).contains("eval: r=1 accuracy").contains("eval: kl accuracy");
    }

    @Test
    void jsonHasEvaluatePysLayoutWithSettingsAndClaims() throws IOException {
        Run r = run("eval", "--model", GOLDEN.toString(), "--eval-file", goldenEvalSet().toString(), "--depths", "1",
                "--max-steps", "4", "--limit", "3", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject settings = json.getAsJsonObject("settings");
        assertThat(settings.get("examples").getAsInt()).isEqualTo(3);
        assertThat(settings.get("limit").getAsInt()).isEqualTo(3);
        assertThat(settings.get("per_level").isJsonNull()).isTrue();
        assertThat(settings.get("kv").getAsString()).isEqualTo("latest-m4");
        assertThat(settings.get("init_scale").getAsDouble()).isEqualTo(1.0);
        JsonObject overall = json.getAsJsonObject("fixed").getAsJsonObject("1").getAsJsonObject("overall");
        assertThat(overall.keySet()).containsExactly("n", "accuracy", "mean_steps", "mean_steps_decoded");
        assertThat(overall.get("mean_steps").getAsDouble()).isEqualTo(1.0);
        assertThat(json.getAsJsonObject("kl").getAsJsonObject("by_difficulty").keySet()).containsExactly("1", "2");
        assertThat(json.getAsJsonArray("claims")).hasSize(3);
        assertThat(json.getAsJsonArray("claims").get(0).getAsJsonObject().get("verdict").getAsString()).isEqualTo("untested");
    }

    @Test
    void badOptionsAreNamed() throws IOException {
        Path set = goldenEvalSet();
        assertThat(run("eval", "--model", GOLDEN.toString(), "--eval-file", set.toString(), "--depths", "1,0").err())
                .contains("muninn eval: --depths values must be >= 1 but one was 0");
        assertThat(run("eval", "--model", GOLDEN.toString(), "--eval-file", set.toString(), "--limit", "0").err())
                .contains("--limit must be >= 1 but was 0");
        assertThat(run("eval", "--model", GOLDEN.toString()).err())
                .contains("--eval-file ").contains("eval.jsonl does not exist (the default is <model>/eval.jsonl)");
        Run unknown = run("eval", "--model", GOLDEN.toString(), "--eval-file", set.toString(), "--criterion", "klx");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("exit criterion must be one of").contains("'klx'");
    }
}
