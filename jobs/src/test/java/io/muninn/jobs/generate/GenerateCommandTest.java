package io.muninn.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.cli.Muninn;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Bad options fail fast, before any job starts, naming the option. */
class GenerateCommandTest {
    private static final String TINY = "../model/src/test/resources/golden/tiny-random";

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        var cl = Muninn.commandLine();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        assertThat(exit).as(err.toString()).isNotZero();
        return err.toString();
    }

    @Test
    void anUnknownDeliveryIsNamed() {
        assertThat(run("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY, "--delivery", "sometimes"))
                .contains("--delivery must be exactly-once or at-least-once but was 'sometimes'");
    }

    @Test
    void aBadKvBudgetIsNamed() {
        assertThat(run("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY, "--kv-budget", "lots"))
                .contains("--kv-budget");
    }

    @Test
    void aMissingModelAndAnUnknownOptionAreNamed() {
        assertThat(run("generate", "--bootstrap-servers", "127.0.0.1:1")).contains("--model")
                .contains("muninn.model");
        assertThat(run("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY, "--turbo"))
                .contains("--turbo");
    }

    @Test
    void aKvStrategyForAnotherLayoutIsRefusedNamingTheValueAndWhatIsAllowed() {
        // the golden tiny-random model has four core layers
        assertThat(run("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY, "--kv-strategy", "latest-m3"))
                .contains("muninn.kv.strategy: kv strategy 'latest-m3' is not valid (-m3 must name the core block "
                        + "length: -m4 for this model (4 core layers)");
    }

    @Test
    void everyOptionHasAHelpLine() {
        var spec = Muninn.commandLine().getSubcommands().get("generate").getCommandSpec();
        assertThat(spec.options()).allSatisfy(o ->
                assertThat(String.join(" ", o.description())).as(o.longestName()).isNotBlank());
    }
}
