package io.muninn.jobs.generate;

import io.muninn.jobs.ClusterOptions;
import io.muninn.jobs.EngineOptionsMixin;
import io.muninn.jobs.Environments;
import io.muninn.jobs.KafkaOptions;
import io.muninn.jobs.kafka.KafkaSettings;
import io.muninn.jobs.kafka.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs GenerateJob: here, under {@code flink run}, or on a cluster given by {@code --jobmanager}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Kafka prompts -> tokens, completions and rejected topics (GenerateJob).")
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--prompts-topic", defaultValue = "muninn-prompts", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String promptsTopic;

    @Option(names = "--tokens-topic", defaultValue = "muninn-tokens", description = "Token events (default: ${DEFAULT-VALUE}).")
    String tokensTopic;

    @Option(names = "--completions-topic", defaultValue = "muninn-completions", description = "Completions (default: ${DEFAULT-VALUE}).")
    String completionsTopic;

    @Option(names = "--rejected-topic", defaultValue = "muninn-rejected", description = "Rejected records (default: ${DEFAULT-VALUE}).")
    String rejectedTopic;

    @Option(names = "--group-id", defaultValue = "muninn-generate", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--delivery", defaultValue = "exactly-once", description = "exactly-once (transactions "
            + "committed at each checkpoint) or at-least-once (lowest latency; dedupe on request_id + index).")
    String delivery;

    @Option(names = "--format", defaultValue = "AVRO", description = "Output values: AVRO (single-object) or JSON (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--from-latest", description = "With no committed offsets, start at the end of the prompts topic (default: the beginning).")
    boolean fromLatest;

    @Option(names = "--checkpoint-interval", defaultValue = "PT1S", description = "Checkpoint interval, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--transactional-id-prefix", defaultValue = "muninn-generate", description = "Unique per job "
            + "writing to the same cluster (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;

    @Option(names = "--detached", description = "Submit and return instead of waiting for the job.")
    boolean detached;

    @Mixin
    EngineOptionsMixin engine;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DeliveryGuarantee guarantee = switch (delivery) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            default -> throw new IllegalArgumentException(
                    "--delivery must be exactly-once or at-least-once but was '" + delivery + "'");
        };
        String bootstrap = kafkaOptions.requireBootstrap(spec);
        var kafka = KafkaSettings.load(kafkaOptions.kafkaProperties);
        GenerateJobConfig config = new GenerateJobConfig(bootstrap, promptsTopic, tokensTopic, completionsTopic,
                rejectedTopic, groupId, kafka, guarantee, transactionalIdPrefix, format, !fromLatest,
                checkpointInterval.toMillis(), io.muninn.schemas.codec.PromptCodec.DEFAULT_MAX_PAYLOAD_BYTES);
        System.err.printf("muninn generate: %s -> %s, %s, %s (%s, %s)%n", promptsTopic, tokensTopic, completionsTopic,
                rejectedTopic, delivery, format);
        if (!kafka.isEmpty()) {
            System.err.print("muninn generate: Kafka client settings:\n" + KafkaSettings.redacted(kafka));
        }
        Path jar = cluster.jobJar != null ? cluster.jobJar : defaultJobJar();
        StreamExecutionEnvironment env = Environments.of(cluster.jobManager, jar, cluster.parallelism, engine.flinkConfiguration());
        // the job's Flink configuration (cluster config file, -D) first, then this command line's options
        GenerateJob.build(env, config, engine.generation(env.getConfiguration()));
        JobClient job = env.executeAsync("muninn generate");
        System.err.println("muninn generate: submitted job " + job.getJobID());
        if (!detached) {
            job.getJobExecutionResult().get();
        }
        return 0;
    }

    static Path defaultJobJar() {
        String version = GenerateCommand.class.getPackage().getImplementationVersion();
        return Path.of("jobs", "target", "muninn-jobs-" + (version == null ? "0.1.0-SNAPSHOT" : version) + "-job.jar");
    }
}
