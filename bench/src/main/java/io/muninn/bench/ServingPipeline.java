package io.muninn.bench;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.generate.GenerateJob;
import io.muninn.jobs.generate.GenerateJobConfig;
import io.muninn.jobs.local.LocalKafka;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.generate.GenerationParams;
import io.muninn.schemas.Completion;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectEncoding;
import io.muninn.schemas.codec.SingleObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The serving benchmark through the whole pipeline at one rate: PipelineBenchmark's setup (in-process KRaft broker,
 * GenerateJob on a MiniCluster at parallelism 1, exactly-once sinks, a {@code read_committed} consumer), with a
 * driver thread that sends each prompt at its arrival time. Every topic stamps records with the broker's append
 * time ({@code message.timestamp.type=LogAppendTime}), so a request's arrival is its prompt record's timestamp and
 * each token's time is its token record's, on one clock and in milliseconds. A transactional write is appended when
 * sent and becomes readable at the checkpoint that commits it: the timestamps measure the job's latency up to the
 * broker, not the commit wait that a read_committed reader adds.
 */
final class ServingPipeline {
    private ServingPipeline() {}

    /** Runs the requests through the pipeline; {@code expected} are the in-process step-level tokens to compare. */
    static ServingSummary run(Path model, List<BenchRequest> requests, long[] arrivals, int maxActive, long checkpointMs,
            Slo slo, double rate, List<int[]> expected) throws Exception {
        int maxSteps = requests.stream().mapToInt(r -> r.params().exit().maxSteps()).max().orElseThrow();
        try (LocalKafka kafka = LocalKafka.start()) {
            GenerateJobConfig config = GenerateJobConfig.defaults(kafka.bootstrapServers(), "serving-").withCheckpointMillis(checkpointMs);
            // the broker stamps every record with its append time: the latencies' one clock
            kafka.createTopics(1, Map.of("message.timestamp.type", "LogAppendTime"), config.promptsTopic(),
                    config.tokensTopic(), config.completionsTopic(), config.rejectedTopic());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            GenerateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(model)
                    .setKvBudget(new MemorySize(EngineOptions.DEFAULT_KV_BUDGET)).setMaxActiveSequences(maxActive)
                    // as the in-process step-level mode runs: the requests' step cap, rows uncapped, 64-row prefill chunks
                    .setMaxSteps(maxSteps).setMaxRowsPerStep(4096).setPrefillChunk(64).build());
            JobClient job = env.executeAsync("bench serving");
            try (var consumer = consumer(kafka.bootstrapServers(), config);
                    var producer = producer(kafka.bootstrapServers())) {
                // warm-up: the job is up and its model loaded once these came back
                Map<String, Collected> warm = new HashMap<>();
                List<BenchRequest> warmRequests = requests.subList(0, Math.min(4, requests.size()));
                for (int i = 0; i < warmRequests.size(); i++) {
                    BenchRequest r = warmRequests.get(i);
                    warm.put("warm-" + i, new Collected());
                    send(producer, config.promptsTopic(), new BenchRequest("warm-" + i, r.prompt(), r.params()));
                }
                producer.flush();
                await(consumer, config, warm);

                Map<String, Collected> collected = new HashMap<>();
                requests.forEach(r -> collected.put(r.id(), new Collected()));
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                long startMs = System.currentTimeMillis();
                long t0 = System.nanoTime();
                Thread driver = new Thread(() -> {
                    for (int i = 0; i < requests.size(); i++) {
                        long wait;
                        while ((wait = t0 + arrivals[i] - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        synchronized (sent) {
                            sent.add(send(producer, config.promptsTopic(), requests.get(i)));
                        }
                    }
                    producer.flush();
                }, "serving-driver");
                driver.start();
                await(consumer, config, collected);
                driver.join();
                List<RequestTiming> timings = new ArrayList<>();
                List<int[]> tokens = new ArrayList<>();
                for (int i = 0; i < requests.size(); i++) {
                    long promptMs = sent.get(i).get(30, TimeUnit.SECONDS).timestamp();
                    Collected c = collected.get(requests.get(i).id());
                    long[] times = c.tokenMs.values().stream().mapToLong(ms -> (ms - startMs) * 1_000_000L).toArray();
                    timings.add(new RequestTiming((promptMs - startMs) * 1_000_000L, times));
                    tokens.add(c.tokens);
                }
                return ServingSummary.of("pipeline, step-level", rate, timings, slo, ServingBenchmark.same(expected, tokens));
            } finally {
                job.cancel().get();
            }
        }
    }

    /** What came back for one request: each token's record timestamp by index, and the completion's tokens. */
    private static final class Collected {
        final TreeMap<Integer, Long> tokenMs = new TreeMap<>();
        int[] tokens;

        boolean done() {
            return tokens != null && tokenMs.size() == tokens.length;
        }
    }

    private static Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String topic, BenchRequest r) {
        GenerationParams p = r.params();
        Generation g = Generation.newBuilder()
                .setMaxNewTokens(p.maxNewTokens())
                .setThreshold(p.exit().criterion().threshold())
                .setMaxSteps(p.exit().maxSteps())
                .setPrefillExit(p.exit().exitInPrefill())
                .setInitScale(p.initScale())
                .setSampling(Sampling.newBuilder().setSeed(p.seed()).build())
                .build();
        PromptRequest request = PromptRequest.newBuilder().setRequestId(r.id())
                .setInput(PromptInput.newBuilder().setTokenIds(Arrays.stream(r.prompt()).boxed().toList()).build())
                .setGeneration(g).build();
        return producer.send(new ProducerRecord<>(topic, r.id().getBytes(), SingleObjectEncoding.encode(request)));
    }

    private static void await(KafkaConsumer<byte[], byte[]> consumer, GenerateJobConfig config, Map<String, Collected> out)
            throws Exception {
        var completions = new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
        var tokens = new SingleObjectReader<>(TokenEvent.class, SchemaHistory.versions("TokenEvent"));
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!out.values().stream().allMatch(Collected::done)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline's completions did not all arrive within 10 minutes");
            }
            for (var r : consumer.poll(Duration.ofMillis(50))) {
                if (r.topic().equals(config.rejectedTopic())) {
                    throw new IllegalStateException("a benchmark request was rejected: "
                            + new SingleObjectReader<>(RejectedRecord.class, SchemaHistory.versions("RejectedRecord"))
                                    .read(r.value()).getReason());
                }
                if (r.topic().equals(config.tokensTopic())) {
                    TokenEvent t = tokens.read(r.value());
                    Collected c = out.get(t.getRequestId());
                    if (c != null) {
                        c.tokenMs.put(t.getIndex(), r.timestamp());
                    }
                } else {
                    Completion done = completions.read(r.value());
                    Collected c = out.get(done.getRequestId());
                    if (c != null) {
                        c.tokens = done.getTokenIds().stream().mapToInt(Integer::intValue).toArray();
                    }
                }
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, GenerateJobConfig config) {
        return BenchKafka.consumer(BenchKafka.readCommitted(bootstrap, "serving-"),
                List.of(config.tokensTopic(), config.completionsTopic(), config.rejectedTopic()));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return BenchKafka.producer(bootstrap, 0); // each prompt goes out at its arrival time
    }
}
