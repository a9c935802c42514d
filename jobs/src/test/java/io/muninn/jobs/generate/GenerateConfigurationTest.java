package io.muninn.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.cli.Muninn;
import io.muninn.flink.GenerationSettings;
import io.muninn.flink.MuninnOptions;
import io.muninn.flink.RecurrentDepthOperatorFactory;
import io.muninn.jobs.Environments;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The command's path from options to the operator in the job graph: Flink configuration ({@code -D}) first, the
 * command line's options over it, and an option left off the command line leaves the configuration's value.
 */
class GenerateConfigurationTest {
    private static final String TINY = Path.of("../models/huginn-tiny-chains").toAbsolutePath().normalize().toString();

    /** The settings of the operator in the graph {@code generate args} builds, as GenerateCommand.call builds it. */
    private static GenerationSettings operatorSettings(String... args) {
        var cl = Muninn.commandLine();
        cl.parseArgs(args);
        GenerateCommand command = cl.getSubcommands().get("generate").getCommand();
        StreamExecutionEnvironment env = Environments.of(null, null, 1, command.engine.flinkConfiguration());
        GenerateJob.build(env, GenerateJobConfig.defaults("127.0.0.1:1", "t-"), command.engine.generation(env.getConfiguration()));
        return env.getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getOperatorFactory)
                .filter(RecurrentDepthOperatorFactory.class::isInstance)
                .map(f -> ((RecurrentDepthOperatorFactory) f).settings())
                .findFirst().orElseThrow();
    }

    @Test
    void flinkConfigurationReachesTheOperator() {
        GenerationSettings s = operatorSettings("generate", "--bootstrap-servers", "127.0.0.1:1",
                "-Dmuninn.model=" + TINY, "-Dmuninn.max-active-sequences=7", "-Dmuninn.kv.budget=3mb",
                "-Dmuninn.kv.strategy=latest-m1", "-Dmuninn.exit-in-prefill=false", "-Dmuninn.max-rows-per-step=32");

        assertThat(s.modelPath()).isEqualTo(TINY);
        assertThat(s.maxActiveSequences()).isEqualTo(7);
        assertThat(s.kvBudgetBytes()).isEqualTo(3L << 20);
        assertThat(s.kvStrategy()).isEqualTo("latest-m1");
        assertThat(s.exitInPrefill()).isFalse();
        assertThat(s.maxRowsPerStep()).isEqualTo(32);
        assertThat(s.prefillChunk()).as("the default, capped at the rows per step").isEqualTo(32);
    }

    @Test
    void theCommandLineOverridesTheFlinkConfigurationOnlyWhereGiven() {
        GenerationSettings s = operatorSettings("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY,
                "-Dmuninn.max-active-sequences=7", "-Dmuninn.kv.budget=3mb", "-Dmuninn.exit-in-prefill=false",
                "-Dmuninn.max-waiting-sequences=11",
                "--max-active-sequences", "5", "--kv-budget", "1mb", "--exit-in-prefill", "--max-rows-per-step", "16");

        assertThat(s.maxActiveSequences()).isEqualTo(5);
        assertThat(s.kvBudgetBytes()).isEqualTo(1L << 20);
        assertThat(s.exitInPrefill()).isTrue();
        assertThat(s.maxWaitingSequences()).as("not on the command line: the configuration's").isEqualTo(11);
        assertThat(s.prefillChunk()).as("the default, capped at the rows given on the command line").isEqualTo(16);

        GenerationSettings off = operatorSettings("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY,
                "--no-exit-in-prefill");
        assertThat(off.exitInPrefill()).isFalse();
    }

    @Test
    void withoutEitherTheDefaultsAreMuninnOptions() {
        GenerationSettings s = operatorSettings("generate", "--bootstrap-servers", "127.0.0.1:1", "--model", TINY);

        assertThat(s.kvStrategy()).isEqualTo(MuninnOptions.KV_STRATEGY.defaultValue());
        assertThat(s.kvBudgetBytes()).isEqualTo(MuninnOptions.KV_BUDGET.defaultValue().getBytes());
        assertThat(s.maxActiveSequences()).isEqualTo(MuninnOptions.MAX_ACTIVE_SEQUENCES.defaultValue());
        assertThat(s.maxNewTokens()).isEqualTo(MuninnOptions.MAX_NEW_TOKENS.defaultValue());
        assertThat(s.exitInPrefill()).isEqualTo(MuninnOptions.EXIT_IN_PREFILL.defaultValue()).isTrue();
    }
}
