package io.muninn.bench;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.generate.GenerateJob;
import io.muninn.jobs.generate.GenerateJobConfig;
import io.muninn.jobs.local.LocalKafka;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import io.muninn.schemas.Completion;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.RequestSeeds;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectEncoding;
import io.muninn.schemas.codec.SingleObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code muninn bench pipeline}: the same prompts directly through the step scheduler and through the whole
 * Kafka -> Flink -> Kafka pipeline (in-process broker, MiniCluster, GenerateJob at parallelism 1 with the same
 * operator settings), in one run. Both measure from the first prompt to the last completion, after a warm-up; the
 * pipeline's time includes Kafka both ways and, for exactly-once, the wait for the checkpoint that commits the last
 * completion. Prints tokens per second side by side and checks that both produced the same tokens.
 */
public final class PipelineBenchmark {
    private static final String REJECTED = "bench-rejected";

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(args, Map.of("--model", "models/huginn-tiny-chains",
                "--sequences", "256", "--max-new-tokens", "8", "--prompt-length", "16", "--max-active-sequences", "64",
                "--checkpoint-ms", "1000", "--delivery", "exactly-once"));
        Path model = Path.of(opts.get("--model")).toAbsolutePath().normalize();
        int n = Integer.parseInt(opts.get("--sequences"));
        int maxNew = Integer.parseInt(opts.get("--max-new-tokens"));
        int promptLength = Integer.parseInt(opts.get("--prompt-length"));
        int maxActive = Integer.parseInt(opts.get("--max-active-sequences"));
        long checkpointMs = Long.parseLong(opts.get("--checkpoint-ms"));
        DeliveryGuarantee delivery = opts.get("--delivery").equals("at-least-once")
                ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE;
        ModelWeights weights = WeightsLoader.load(model);
        int vocab = weights.config().vocabSize();
        List<PromptRequest> prompts = prompts("bench-", n, promptLength, maxNew, Math.min(vocab, 256));

        System.out.printf("pipeline benchmark: %s, %s sequences x %s new tokens, prompts of %s tokens, "
                + "max %s active, %s, checkpoints every %s ms%n", model.getFileName(), n, maxNew, promptLength,
                maxActive, delivery, checkpointMs);
        Map<String, int[]> direct = new HashMap<>();
        direct(weights, prompts("warm-", 4, promptLength, maxNew, Math.min(vocab, 256)), maxActive, new HashMap<>());
        long t0 = System.nanoTime();
        direct(weights, prompts, maxActive, direct);
        double directSecs = (System.nanoTime() - t0) / 1e9;
        long tokens = direct.values().stream().mapToLong(t -> t.length).sum();

        Map<String, int[]> piped = new HashMap<>();
        double pipeSecs = pipeline(model, prompts, maxActive, checkpointMs, delivery, piped);
        boolean same = direct.keySet().equals(piped.keySet())
                && direct.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), piped.get(e.getKey())));

        double directRate = tokens / directSecs;
        double pipeRate = tokens / pipeSecs;
        System.out.printf("%n| path | seconds | tokens | tokens/s |%n|---|---:|---:|---:|%n");
        System.out.printf("| scheduler, in process | %.2f | %d | %.1f |%n", directSecs, tokens, directRate);
        System.out.printf("| Kafka -> Flink -> Kafka | %.2f | %d | %.1f |%n", pipeSecs, tokens, pipeRate);
        System.out.printf("identical tokens: %s%n", same ? "yes" : "NO");
        System.out.printf("pipeline/engine tokens-per-second ratio: %.2f%n", pipeRate / directRate);
    }

    static List<PromptRequest> prompts(String prefix, int n, int length, int maxNew, int vocab) {
        SplittableRandom rng = new SplittableRandom(42);
        List<PromptRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> ids = new ArrayList<>();
            for (int k = 0; k < length; k++) {
                ids.add(rng.nextInt(vocab));
            }
            out.add(PromptRequest.newBuilder()
                    .setRequestId(prefix + i)
                    .setInput(PromptInput.newBuilder().setTokenIds(ids).build())
                    .setGeneration(Generation.newBuilder().setMaxNewTokens(maxNew).build())
                    .build());
        }
        return out;
    }

    private static void direct(ModelWeights weights, List<PromptRequest> prompts, int maxActive, Map<String, int[]> out) {
        var config = weights.config();
        int maxSteps = config.meanRecurrence();
        var engine = new RecurrentDepthEngine(weights, new Nd4jKernels(),
                new EngineOptions("latest-m4", maxSteps, EngineOptions.DEFAULT_KV_BUDGET, EngineOptions.DEFAULT_BLOCK_TOKENS));
        var scheduler = new StepScheduler(engine, new SchedulerOptions(256, maxActive, 64,
                io.muninn.model.scheduler.AdmissionPolicy.RESERVE_WORST_CASE), new GenerationListener() {
                    @Override
                    public void onToken(TokenOutput token) {}

                    @Override
                    public void onFinished(SequenceOutcome outcome) {
                        out.put(outcome.requestId(), outcome.tokens());
                    }
                }, null, System::currentTimeMillis);
        for (PromptRequest p : prompts) {
            int[] prompt = p.getInput().getTokenIds().stream().mapToInt(Integer::intValue).toArray();
            ExitPolicy paper = ExitPolicy.defaults(maxSteps);
            // as the operator runs these requests: exit in prefill unless muninn.exit-in-prefill says otherwise
            ExitPolicy policy = new ExitPolicy(paper.criterion(), paper.minSteps(), paper.maxSteps(), paper.checkEvery(),
                    ExitPolicy.DEFAULT_EXIT_IN_PREFILL);
            var params = new GenerationParams(p.getGeneration().getMaxNewTokens(), policy,
                    SamplingParams.greedyDecoding().toSampler(), RequestSeeds.seedOf(p), 1.0, false,
                    new HashSet<>(config.eosTokenIds()));
            scheduler.submit(SequenceRequest.of(p.getRequestId(), prompt, params));
        }
        scheduler.runToCompletion();
    }

    private static double pipeline(Path model, List<PromptRequest> prompts, int maxActive, long checkpointMs,
            DeliveryGuarantee delivery, Map<String, int[]> out) throws Exception {
        try (LocalKafka kafka = LocalKafka.start()) {
            GenerateJobConfig config = GenerateJobConfig.defaults(kafka.bootstrapServers(), "bench-")
                    .withCheckpointMillis(checkpointMs).withDelivery(delivery);
            kafka.createTopics(1, config.promptsTopic(), config.tokensTopic(), config.completionsTopic(), config.rejectedTopic());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            GenerateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(model)
                    .setKvBudget(new MemorySize(EngineOptions.DEFAULT_KV_BUDGET)).setMaxActiveSequences(maxActive).build());
            JobClient job = env.executeAsync("bench pipeline");
            try (var consumer = consumer(kafka.bootstrapServers(), config.completionsTopic());
                    var producer = producer(kafka.bootstrapServers())) {
                // warm-up: the job is up and its model loaded once one request came back
                List<PromptRequest> warm = prompts("warm-", 4, prompts.get(0).getInput().getTokenIds().size(),
                        prompts.get(0).getGeneration().getMaxNewTokens(), 64);
                send(producer, config.promptsTopic(), warm);
                await(consumer, warm.size(), new HashMap<>());
                long t0 = System.nanoTime();
                send(producer, config.promptsTopic(), prompts);
                await(consumer, prompts.size(), out);
                return (System.nanoTime() - t0) / 1e9;
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, List<PromptRequest> prompts) {
        for (PromptRequest p : prompts) {
            producer.send(new ProducerRecord<>(topic, p.getRequestId().getBytes(), SingleObjectEncoding.encode(p)));
        }
        producer.flush();
    }

    private static void await(KafkaConsumer<byte[], byte[]> consumer, int count, Map<String, int[]> out) throws Exception {
        var reader = new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("completions did not arrive within 30 minutes");
            }
            for (var r : consumer.poll(Duration.ofMillis(50))) {
                if (r.topic().equals(REJECTED)) {
                    throw new IllegalStateException("a benchmark request was rejected: "
                            + new SingleObjectReader<>(RejectedRecord.class, SchemaHistory.versions("RejectedRecord"))
                                    .read(r.value()).getReason());
                }
                Completion c = reader.read(r.value());
                out.put(c.getRequestId(), c.getTokenIds().stream().mapToInt(Integer::intValue).toArray());
                seen++;
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        return BenchKafka.consumer(BenchKafka.readCommitted(bootstrap, "bench-"), List.of(topic, REJECTED));
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return BenchKafka.producer(bootstrap, 5);
    }
}
