package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Completion;
import io.muninn.schemas.TokenEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator in a real Flink job (MiniCluster, the shipped tiny model) with checkpoints every 100 ms and a failure injected once
 * mid-stream: every request completes exactly once and every request's tokens equal those of a failure-free run.
 * The outputs go through Flink's exactly-once file sink, which publishes only what a completed checkpoint covers.
 */
class RecoveryITCase {
    private static final int REQUESTS = 50;
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void everyRequestCompletesExactlyOnceWithTheTokensOfAFailureFreeRun(@TempDir Path dir) throws Exception {
        Map<String, List<String>> clean = run(dir.resolve("clean"), Integer.MAX_VALUE);
        assertThat(clean).hasSize(REQUESTS);

        FAILED.set(false);
        Path out = dir.resolve("failover");
        Map<String, List<String>> recovered = run(out, 80);
        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(recovered).isEqualTo(clean);

        List<String> completions = lines(out.resolve("completions"));
        assertThat(completions).hasSize(REQUESTS);
        assertThat(completions.stream().map(l -> l.split(" ")[0])).doesNotHaveDuplicates();
        for (String c : completions) {
            String[] f = c.split(" ");
            assertThat(Integer.parseInt(f[2])).as("generated tokens of %s", f[0]).isEqualTo(clean.get(f[0]).size());
        }
    }

    /** Runs the job; returns per request its tokens as "index:token@exitStep", in order. */
    private static Map<String, List<String>> run(Path out, int failAfterTokens) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);

        // requests arrive over about 5 s, so generation runs while the input is open and checkpoints complete
        // mid-stream (a task drains its last sequences in endInput, where Flink takes no checkpoints)
        var source = new DataGeneratorSource<>((GeneratorFunction<Long, RequestEnvelope>) i ->
                RequestEnvelope.of(TestRequests.request(i.intValue())), REQUESTS, RateLimiterStrategy.perSecond(10),
                RequestEnvelope.TYPE);
        DataStream<RequestEnvelope> input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "requests")
                .setParallelism(1);
        GenerationStreams streams = TestRequests.tinyTrained().setMaxActiveSequences(8).build().apply(input);

        streams.tokens()
                .map(new FailOnce(failAfterTokens)).returns(Types.STRING)
                .sinkTo(fileSink(out.resolve("tokens")));
        streams.completions()
                .map((MapFunction<Completion, String>) c -> c.getRequestId() + " " + c.getFinishReason() + " "
                        + c.getGeneratedTokens()).returns(Types.STRING)
                .sinkTo(fileSink(out.resolve("completions")));
        env.execute("recovery " + out.getFileName());

        Map<String, List<String>> tokens = new TreeMap<>();
        List<String> all = lines(out.resolve("tokens"));
        all.sort((a, b) -> {
            String[] x = a.split(" ");
            String[] y = b.split(" ");
            int c = x[0].compareTo(y[0]);
            return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
        });
        for (String line : all) {
            String[] f = line.split(" ");
            tokens.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1] + ":" + f[2]);
        }
        return tokens;
    }

    private static FileSink<String> fileSink(Path dir) {
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toUri()), new SimpleStringEncoder<String>())
                .build();
    }

    /** Lines of the committed part files (in-progress and pending files start with a dot). */
    private static List<String> lines(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        return out;
    }

    /**
     * Formats tokens; throws once, in the first attempt, at the first token after {@code failAfter} tokens of this
     * subtask once a checkpoint has completed, so the job restores from a checkpoint taken mid-generation.
     */
    private static final class FailOnce implements MapFunction<TokenEvent, String>, CheckpointListener {
        private final int failAfter;
        private int seen;
        private boolean checkpointed;

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }

        FailOnce(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public String map(TokenEvent t) {
            if (++seen >= failAfter && checkpointed && !FAILED.getAndSet(true)) {
                throw new IllegalStateException("injected failure after " + failAfter + " tokens");
            }
            return t.getRequestId() + " " + t.getIndex() + " " + t.getTokenId() + "@" + t.getExitStep();
        }
    }
}
