package io.muninn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code logits} and {@code trace} commands on the golden tiny model, through the real command line. */
class InspectionCommandsTest {
    private static final String MODEL = Path.of("../model/src/test/resources/golden/tiny-random").toString();

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Muninn.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Run(code, captured.toString(java.nio.charset.StandardCharsets.UTF_8) + out, err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void traceReproducesTheGoldenKlScenario() {
        Run r = run("trace", "--model", MODEL, "--tokens", "90,12,45,7,33", "--max-new-tokens", "10", "--criterion", "kl",
                "--threshold", "5e-4", "--kv-strategy", "full", "--max-steps", "32", "--init-scale", "0", "--stop", "999",
                "--no-exit-in-prefill"); // as the golden scenario
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertThat(json.getAsJsonArray("tokens").toString()).isEqualTo("[82,3,40,66,34,71,74,55,71,66]");
        assertThat(json.getAsJsonArray("exit_steps").toString()).isEqualTo("[32,13,12,10,10,10,10,9,8,10]");
        assertThat(json.getAsJsonArray("criterion_values").get(0).isJsonNull()).isTrue();
        assertThat(json.get("finish_reason").getAsString()).isEqualTo("length");
    }

    @Test
    void logitsPrintsOneObjectPerStepCount() {
        Run r = run("logits", "--model", MODEL, "--tokens", "3,17,42", "--steps", "1,4", "--init-scale", "0", "--all-positions");
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().trim().split("\n");
        assertThat(lines).hasSize(2);
        JsonObject first = JsonParser.parseString(lines[0]).getAsJsonObject();
        assertThat(first.get("steps").getAsInt()).isEqualTo(1);
        JsonArray rows = first.getAsJsonArray("logits");
        assertThat(rows.size()).isEqualTo(3);
        assertThat(rows.get(0).getAsJsonArray().size()).isEqualTo(96);
        assertThat(JsonParser.parseString(lines[1]).getAsJsonObject().get("steps").getAsInt()).isEqualTo(4);
    }

    @Test
    void badOptionsFailNamingTheOption() {
        Run r = run("trace", "--model", MODEL, "--tokens", "1,x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--tokens': 'x' is not a token id");
        Run unknown = run("logits", "--model", MODEL, "--tokens", "1", "--stepz", "3");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown options: '--stepz'").contains("Possible solutions: --steps");
    }

    @Test
    void engineErrorsAreReportedWithTheirMessage() {
        Run r = run("trace", "--model", MODEL, "--tokens", "1,2", "--criterion", "kl", "--threshold", "-1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("muninn trace:").contains("-1");
    }
}
