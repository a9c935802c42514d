package io.muninn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.jobs.annotate.AnnotateCommand;
import io.muninn.jobs.generate.GenerateCommand;
import io.muninn.model.sampling.SamplingParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * One name per concept: the config-matching names parse, the old names (hidden, kept for one release) parse to the
 * same values, and the shared option groups are the same options in every command that has them.
 */
class OptionNamesTest {

    private static Object parsed(String... args) {
        CommandLine.ParseResult r = Muninn.commandLine().parseArgs(args);
        return r.subcommand().commandSpec().userObject();
    }

    private static String help(String command) {
        StringWriter out = new StringWriter();
        Muninn.commandLine().getSubcommands().get(command).usage(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void oldKvNameParsesToTheSameValueAsKvStrategy() {
        TraceCommand byNew = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1,2", "--kv-strategy", "full");
        TraceCommand byOld = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1,2", "--kv", "full");
        TraceCommand neither = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1,2");
        assertThat(byNew.kv.strategy()).isEqualTo("full");
        assertThat(byOld.kv.strategy()).isEqualTo("full");
        assertThat(neither.kv.strategy()).isEqualTo("latest-m4");

        EvalCommand evalOld = (EvalCommand) parsed("eval", "--model", "m", "--kv", "latest-m4-compress-s16");
        EvalCommand evalNew = (EvalCommand) parsed("eval", "--model", "m", "--kv-strategy", "latest-m4-compress-s16");
        assertThat(evalOld.kv.strategy()).isEqualTo(evalNew.kv.strategy()).isEqualTo("latest-m4-compress-s16");
    }

    @Test
    void oldMaxActiveNameParsesToTheSameValueAsMaxActiveSequences() {
        EvalCommand byOld = (EvalCommand) parsed("eval", "--model", "m", "--max-active", "7");
        EvalCommand byNew = (EvalCommand) parsed("eval", "--model", "m", "--max-active-sequences", "7");
        EvalCommand neither = (EvalCommand) parsed("eval", "--model", "m");
        assertThat(byOld.maxActive).isEqualTo(7);
        assertThat(byNew.maxActive).isEqualTo(7);
        assertThat(neither.maxActive).isEqualTo(128);
    }

    @Test
    void oldNamesAreHiddenFromHelpAndNewNamesShown() {
        assertThat(help("trace")).contains("--kv-strategy").doesNotContainPattern("--kv[ =]");
        assertThat(help("eval")).contains("--kv-strategy", "--max-active-sequences")
                .doesNotContainPattern("--kv[ =]").doesNotContainPattern("--max-active[ =]");
    }

    @Test
    void sharedGroupsParseTheSameInEveryCommand() {
        TraceCommand trace = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1", "--criterion", "cosine",
                "--threshold", "0.01");
        EvalCommand eval = (EvalCommand) parsed("eval", "--model", "m", "--criterion", "cosine", "--threshold", "0.01");
        assertThat(trace.exitOptions.exitCriterion().name()).isEqualTo(eval.exitOptions.exitCriterion().name());
        assertThat(trace.exitOptions.exitCriterion().threshold()).isEqualTo(0.01);
        assertThat(eval.exitOptions.exitCriterion().threshold()).isEqualTo(0.01);
        for (String command : new String[] {"trace", "eval", "annotate"}) {
            assertThat(help(command)).as(command).contains("--criterion", "--threshold");
        }
        for (String command : new String[] {"generate", "annotate"}) {
            assertThat(help(command)).as(command).contains("--bootstrap-servers", "--kafka-properties", "--jobmanager",
                    "--job-jar", "--parallelism", "--kv-strategy", "--max-active-sequences");
        }
        assertThat(help("sql")).contains("--jobmanager", "--job-jar", "--parallelism");
        assertThat(parsed("generate", "--bootstrap-servers", "b:1", "--model", "m")).isInstanceOf(GenerateCommand.class);
        assertThat(parsed("annotate", "--template", "t", "--output", "o")).isInstanceOf(AnnotateCommand.class);
    }

    @Test
    void samplingGroupIsGreedyUnlessATemperatureIsGiven() {
        TraceCommand greedy = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1");
        assertThat(SamplingOptions.params(greedy.sampling)).isEqualTo(SamplingParams.greedyDecoding());
        TraceCommand sampled = (TraceCommand) parsed("trace", "--model", "m", "--tokens", "1", "--temperature", "0.7",
                "--top-k", "5");
        SamplingParams p = SamplingOptions.params(sampled.sampling);
        assertThat(p.temperature()).isEqualTo(0.7);
        assertThat(p.topK()).isEqualTo(5);
    }

    @Test
    void generateWithoutBootstrapServersNamesTheOption() {
        CommandLine cl = Muninn.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("generate", "--model", "m");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers");
    }
}
