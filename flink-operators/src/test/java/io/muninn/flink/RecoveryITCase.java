package io.muninn.flink;

import static io.muninn.flink.RecoveryTesting.committedLines;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.flink.RecoveryTesting.FailOnce;
import io.muninn.schemas.Completion;
import io.muninn.schemas.TokenEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
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
    private static final String FAILURE = "recovery";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = RecoveryTesting.twoSlotCluster();

    @Test
    void everyRequestCompletesExactlyOnceWithTheTokensOfAFailureFreeRun(@TempDir Path dir) throws Exception {
        Map<String, List<String>> clean = run(dir.resolve("clean"), Integer.MAX_VALUE);
        assertThat(clean).hasSize(REQUESTS);

        FailOnce.reset(FAILURE);
        Path out = dir.resolve("failover");
        Map<String, List<String>> recovered = run(out, 80);
        assertThat(FailOnce.failed(FAILURE)).as("the failure was injected").isTrue();
        assertThat(recovered).isEqualTo(clean);

        List<String> completions = committedLines(out.resolve("completions"));
        assertThat(completions).hasSize(REQUESTS);
        assertThat(completions.stream().map(l -> l.split(" ")[0])).doesNotHaveDuplicates();
        for (String c : completions) {
            String[] f = c.split(" ");
            assertThat(Integer.parseInt(f[2])).as("generated tokens of %s", f[0]).isEqualTo(clean.get(f[0]).size());
        }
    }

    /** Runs the job; returns per request its tokens as "index:token@exitStep", in order. */
    private static Map<String, List<String>> run(Path out, int failAfterTokens) throws Exception {
        StreamExecutionEnvironment env = RecoveryTesting.restartingEnvironment();
        env.enableCheckpointing(100);

        // requests arrive over about 5 s, so generation runs while the input is open and checkpoints complete
        // mid-stream (a task drains its last sequences in endInput, where Flink takes no checkpoints)
        var source = new DataGeneratorSource<>((GeneratorFunction<Long, RequestEnvelope>) i ->
                RequestEnvelope.of(TestRequests.request(i.intValue())), REQUESTS, RateLimiterStrategy.perSecond(10),
                RequestEnvelope.TYPE);
        DataStream<RequestEnvelope> input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "requests")
                .setParallelism(1);
        GenerationStreams streams = TestRequests.tinyTrained().setMaxActiveSequences(8).build().apply(input);

        // fails once, in the first attempt, after failAfterTokens tokens of a subtask and a completed checkpoint
        streams.tokens()
                .map(new FailOnce<TokenEvent>(FAILURE, failAfterTokens)).returns(Records.TOKEN)
                .map((MapFunction<TokenEvent, String>) t -> t.getRequestId() + " " + t.getIndex() + " "
                        + t.getTokenId() + "@" + t.getExitStep()).returns(Types.STRING)
                .sinkTo(fileSink(out.resolve("tokens")));
        streams.completions()
                .map((MapFunction<Completion, String>) c -> c.getRequestId() + " " + c.getFinishReason() + " "
                        + c.getGeneratedTokens()).returns(Types.STRING)
                .sinkTo(fileSink(out.resolve("completions")));
        env.execute("recovery " + out.getFileName());

        Map<String, List<String>> tokens = new TreeMap<>();
        List<String> all = committedLines(out.resolve("tokens"));
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
}
