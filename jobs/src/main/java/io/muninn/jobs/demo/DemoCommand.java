package io.muninn.jobs.demo;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.generate.GenerateJob;
import io.muninn.jobs.generate.GenerateJobConfig;
import io.muninn.jobs.local.LocalKafka;
import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: an in-process Kafka broker, a Flink MiniCluster and GenerateJob on the bundled tiny model.
 * Produces the sample prompts (plus one malformed record), prints every token as it streams out of Kafka with its
 * exit step, then the completions, and exits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run GenerateJob on an in-process Kafka broker and Flink MiniCluster with the bundled tiny "
                + "model; print tokens as they stream, then the completions.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/huginn-tiny-chains",
            description = "Model directory (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--prompts", description = "JSON lines, one PromptRequest each (default: <model>/demo-prompts.jsonl).")
    Path prompts;

    @Option(names = "--parallelism", defaultValue = "2", description = "Operator instances (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--max-steps", defaultValue = "32", description = "Recurrence steps per token at most (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--exit-in-prefill", negatable = true, description = "Let the exit criterion end the prefill for "
            + "prompts that do not say (default: muninn.exit-in-prefill's, exit in prefill); --no-exit-in-prefill runs "
            + "every prompt position to max steps.")
    Boolean exitInPrefill;

    @Option(names = "--timeout", defaultValue = "PT3M", description = "Give up after this long (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Path promptFile = prompts != null ? prompts : model.resolve("demo-prompts.jsonl");
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new IllegalArgumentException("--model " + model + " is not a model directory (no config.json); the "
                    + "bundled model is models/huginn-tiny-chains, run from the project root");
        }
        if (!Files.isRegularFile(promptFile)) {
            throw new IllegalArgumentException("no sample prompts at " + promptFile + "; pass --prompts FILE (JSON lines)");
        }
        List<String> lines = Files.readAllLines(promptFile).stream().filter(l -> !l.isBlank()).toList();
        out.println("muninn demo: starting an in-process Kafka broker ...");
        try (LocalKafka kafka = LocalKafka.start()) {
            GenerateJobConfig config = GenerateJobConfig.defaults(kafka.bootstrapServers(), "demo-")
                    .withCheckpointMillis(500);
            kafka.createTopics(2, config.promptsTopic(), config.tokensTopic(), config.completionsTopic(),
                    config.rejectedTopic());
            out.printf("muninn demo: broker at %s; topics %s -> %s, %s, %s%n", kafka.bootstrapServers(),
                    config.promptsTopic(), config.tokensTopic(), config.completionsTopic(), config.rejectedTopic());

            Configuration flink = new Configuration();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
            RecurrentDepthGeneration.Builder generation = RecurrentDepthGeneration.builder().setModel(model).setMaxSteps(maxSteps);
            if (exitInPrefill != null) {
                generation.setExitInPrefill(exitInPrefill);
            }
            GenerateJob.build(env, config, generation.build());
            JobClient job = env.executeAsync("muninn demo");
            out.printf("muninn demo: GenerateJob running on a Flink MiniCluster (parallelism %s, exactly-once, "
                    + "checkpoints every 500 ms) with %s%n", parallelism, model);
            try {
                produce(kafka.bootstrapServers(), config.promptsTopic(), lines);
                out.printf("muninn demo: produced %s prompts and 1 malformed record; tokens as they are committed:%n%n",
                        lines.size());
                return watch(kafka.bootstrapServers(), config, lines.size()) ? 0 : 1;
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void produce(String bootstrap, String topic, List<String> lines) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topic, line.getBytes(StandardCharsets.UTF_8))).get();
            }
            producer.send(new ProducerRecord<>(topic, "{\"request_id\": \"oops\", \"input\": {".getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /**
     * Prints tokens, rejections and completions until every prompt completed and every completion's tokens were
     * printed (tokens and completions sit in different partitions, so a completion can be polled before the last
     * tokens of its request); false on timeout.
     */
    private boolean watch(String bootstrap, GenerateJobConfig config, int expected) {
        var tokens = new SingleObjectReader<>(TokenEvent.class, SchemaHistory.versions("TokenEvent"));
        var completions = new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
        var rejects = new SingleObjectReader<>(RejectedRecord.class, SchemaHistory.versions("RejectedRecord"));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "muninn-demo-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Completion> done = new ArrayList<>();
        Map<String, Integer> printed = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.tokensTopic(), config.completionsTopic(), config.rejectedTopic()));
            while (done.size() < expected || !allTokensPrinted(done, printed)) {
                if (System.nanoTime() > deadline) {
                    out.printf("%nmuninn demo: timed out after %s with %s of %s completions%n", timeout, done.size(), expected);
                    return false;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(config.tokensTopic())) {
                            TokenEvent t = tokens.read(r.value());
                            out.printf("  %-10s #%-2s %-8s exit step %2s (%s)%n", t.getRequestId(), t.getIndex(),
                                    quoted(t.getText().toString()), t.getExitStep(),
                                    t.getExitReason().name().toLowerCase(Locale.ROOT));
                            printed.merge(t.getRequestId().toString(), 1, Integer::sum);
                        } else if (r.topic().equals(config.completionsTopic())) {
                            done.add(completions.read(r.value()));
                        } else {
                            RejectedRecord x = rejects.read(r.value());
                            out.printf("  rejected (offset %s): field %s: %s%n", x.getOffset(), x.getField(), x.getReason());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot read a record of " + r.topic(), e);
                    }
                }
            }
        }
        out.printf("%ncompletions:%n");
        long steps = 0;
        long generated = 0;
        for (Completion c : done) {
            String answer = c.getMetadata().get("expected");
            out.printf("  %-10s %-7s %2s tokens, mean %.1f steps/token: %s%s%n", c.getRequestId(),
                    c.getFinishReason().name().toLowerCase(Locale.ROOT), c.getGeneratedTokens(), c.getMeanSteps(),
                    quoted(c.getText().toString()), answer == null ? "" : "  (expected " + quoted(answer) + ")");
            steps += c.getTotalSteps();
            generated += c.getGeneratedTokens();
        }
        out.printf("%nmuninn demo: %s requests, %s tokens, %.2f recurrence steps per token on average; done.%n",
                done.size(), generated, generated == 0 ? 0 : (double) steps / generated);
        return true;
    }

    private static boolean allTokensPrinted(List<Completion> done, Map<String, Integer> printed) {
        return done.stream().allMatch(c -> printed.getOrDefault(c.getRequestId().toString(), 0) >= c.getGeneratedTokens());
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
