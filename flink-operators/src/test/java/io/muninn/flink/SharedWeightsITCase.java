package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.eval.EvalExample;
import io.muninn.model.eval.EvalSet;
import io.muninn.model.eval.Evaluator;
import io.muninn.model.eval.ExampleResult;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.SharedWeights;
import io.muninn.model.weights.WeightsLoader;
import io.muninn.schemas.Completion;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One task manager with two slots runs the operator at parallelism 2 on the shipped tiny model: the weights are
 * loaded once and held by both subtasks at once ({@link SharedWeights#jvmWide()}, the registry a task manager's
 * operators share; the MiniCluster runs in this JVM), both subtasks produce the model's expected answers with the
 * tokens and exit steps of an engine over weights of its own, and the copy is freed when the job ends.
 */
class SharedWeightsITCase {
    private static final int PARALLELISM = 2;
    private static final int MAX_PARALLELISM = 128;
    /** Difficulty-1 examples of eval.jsonl, which the model answers right under the policy below (its README). */
    private static final int EXAMPLES = 12;
    /** The model README's evaluation: KL exit at 5e-4 with exit in prefill, at most 32 steps, greedy, seed 0. */
    private static final ExitPolicy POLICY = new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 32, 1, true);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = RecoveryTesting.twoSlotCluster();

    @Test
    void twoSlotsShareOneCopyOfTheWeightsAndBothProduceTheExpectedAnswers() throws Exception {
        List<EvalExample> examples = EvalSet.read(TestRequests.TINY_TRAINED.resolve("eval.jsonl")).stream()
                .filter(e -> e.difficulty() == 1).limit(EXAMPLES).toList();
        assertThat(examples).hasSize(EXAMPLES);
        // the reference: one engine alone, over weights it loaded itself (not through the registry)
        List<ExampleResult> reference = new Evaluator(WeightsLoader.load(TestRequests.TINY_TRAINED), new Nd4jKernels(),
                new Evaluator.Options("latest-m4", 1.0, 0, EXAMPLES)).run(examples, POLICY);
        assertThat(reference).as("the model's expected answers (eval.jsonl answer_ids)").allMatch(ExampleResult::correct);
        Map<String, ExampleResult> expected = new TreeMap<>();
        Map<String, Integer> subtaskOf = new HashMap<>();
        List<PromptRequest> requests = new ArrayList<>();
        for (int i = 0; i < EXAMPLES; i++) {
            String id = "jumps-" + i;
            expected.put(id, reference.get(i));
            subtaskOf.put(id, KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, PARALLELISM));
            requests.add(request(id, examples.get(i)));
        }
        assertThat(new TreeSet<>(subtaskOf.values())).as("requests for both subtasks").containsExactly(0, 1);

        SharedWeights.Usage before = SharedWeights.jvmWide().usage(TestRequests.TINY_TRAINED);
        assertThat(before.users()).as("no copy held before the job").isZero();

        List<String> lines = run(requests);

        SharedWeights.Usage after = SharedWeights.jvmWide().usage(TestRequests.TINY_TRAINED);
        assertThat(after.loads()).as("loads of the model during the job").isEqualTo(before.loads() + 1);
        assertThat(after.peakUsers()).as("subtasks holding that one copy at once").isEqualTo(PARALLELISM);
        assertThat(after.users()).as("released by both subtasks at the end of the job").isZero();
        assertThat(after.bytes()).isEqualTo(WeightsLoader.load(TestRequests.TINY_TRAINED).bytes());

        Map<String, List<String[]>> tokens = new TreeMap<>();
        Map<String, String[]> completions = new TreeMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            assertThat(Integer.parseInt(f[1])).as("subtask of %s", line).isEqualTo(subtaskOf.get(f[2]));
            if (f[0].equals("T")) {
                tokens.computeIfAbsent(f[2], k -> new ArrayList<>()).add(f);
            } else {
                assertThat(completions.put(f[2], f)).as("one completion per request").isNull();
            }
        }
        assertThat(completions.keySet()).isEqualTo(expected.keySet());
        assertThat(lines.stream().map(l -> l.split(" ")[1]).collect(Collectors.toSet()))
                .as("both subtasks produced output").isEqualTo(Set.of("0", "1"));
        for (Map.Entry<String, ExampleResult> e : expected.entrySet()) {
            List<String[]> got = tokens.get(e.getKey());
            got.sort((a, b) -> Integer.compare(Integer.parseInt(a[3]), Integer.parseInt(b[3])));
            assertThat(got.stream().mapToInt(f -> Integer.parseInt(f[4])).toArray()).as("tokens of %s", e.getKey())
                    .containsExactly(e.getValue().tokens()).containsExactly(e.getValue().example().answerIds());
            assertThat(got.stream().mapToInt(f -> Integer.parseInt(f[5])).toArray()).as("exit steps of %s", e.getKey())
                    .containsExactly(e.getValue().exitSteps());
            assertThat(completions.get(e.getKey())[3]).as("tokens of the completion of %s", e.getKey())
                    .isEqualTo(Arrays.toString(e.getValue().tokens()).replace(" ", ""));
        }
    }

    private static PromptRequest request(String id, EvalExample example) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder()
                        .setTokenIds(Arrays.stream(example.promptIds()).boxed().toList()).build())
                .setGeneration(Generation.newBuilder()
                        .setMaxNewTokens(example.answerIds().length)
                        .setCriterion("kl")
                        .setThreshold(5e-4)
                        .setMaxSteps(32)
                        .setExitInPrefill(true)
                        .setInitScale(1.0)
                        .setSampling(Sampling.newBuilder().setGreedy(true).setSeed(0L).build())
                        .build())
                .build();
    }

    /** Runs the job; its output lines: "T subtask request index token exitStep" and "C subtask request [tokens]". */
    private static List<String> run(List<PromptRequest> requests) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.setMaxParallelism(MAX_PARALLELISM);
        // requests arrive over about 2 s, so both subtasks hold the model at once while they generate
        var source = new DataGeneratorSource<>((GeneratorFunction<Long, RequestEnvelope>) i ->
                RequestEnvelope.of(requests.get(i.intValue())), requests.size(), RateLimiterStrategy.perSecond(6),
                RequestEnvelope.TYPE);
        DataStream<RequestEnvelope> input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "requests")
                .setParallelism(1);
        GenerationStreams streams = TestRequests.tinyTrained().setMaxSteps(32).setMaxActiveSequences(8).build()
                .apply(input);
        DataStream<String> tokens = streams.tokens().map(new BySubtask<TokenEvent>()).returns(Types.STRING);
        DataStream<String> completions = streams.completions().map(new BySubtask<Completion>()).returns(Types.STRING);
        List<String> lines = new ArrayList<>();
        try (CloseableIterator<String> out = tokens.union(completions).executeAndCollect("shared weights")) {
            out.forEachRemaining(lines::add);
        }
        return lines;
    }

    /** Formats a record with the index of the subtask it runs in: the operator's own (forward, same parallelism). */
    private static final class BySubtask<T> extends RichMapFunction<T, String> {
        @Override
        public String map(T value) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            if (value instanceof TokenEvent t) {
                return "T " + subtask + " " + t.getRequestId() + " " + t.getIndex() + " " + t.getTokenId() + " "
                        + t.getExitStep();
            }
            Completion c = (Completion) value;
            return "C " + subtask + " " + c.getRequestId() + " " + c.getTokenIds().toString().replace(" ", "");
        }
    }
}
