package io.muninn.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.SingleObjectEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the cluster tests do with a {@link LocalCluster}: create a job's four topics, submit GenerateJob with the
 * shaded job jar on the bundled tiny model, produce prompts and read the committed output.
 */
final class ClusterJobs {
    /** The bundled tiny model the cluster tests serve. */
    static final Path MODEL = Path.of("../models/huginn-tiny-chains").toAbsolutePath().normalize();

    private ClusterJobs() {}

    /** Starts a cluster with {@code options} from a fresh run directory {@code target/<runDirName>} (logs stay there). */
    static LocalCluster start(String runDirName, LocalCluster.Options options) throws IOException {
        Path runDir = Path.of("target", runDirName).toAbsolutePath();
        deleteRecursively(runDir);
        ClusterLayout layout = new ClusterLayout(ClusterLayout.findRepoRoot(Path.of("")), runDir);
        return LocalCluster.start(layout, ClusterPorts.free(), options);
    }

    /** Stops every process of {@code cluster} (null: it never started) and fails if one is left. */
    static void stop(LocalCluster cluster) {
        if (cluster != null) {
            cluster.close();
            assertThat(LocalCluster.running(cluster.layout())).as("processes left running").isEmpty();
        }
    }

    /** Creates {@code <prefix>-prompts}, {@code -tokens}, {@code -completions}, {@code -rejected} (2 partitions). */
    static List<String> topics(LocalCluster cluster, String prefix) {
        List<String> topics = List.of(prefix + "-prompts", prefix + "-tokens", prefix + "-completions", prefix + "-rejected");
        cluster.createTopics(2, topics);
        return topics;
    }

    /**
     * Submits GenerateJob (exactly-once, a checkpoint a second) on {@link #MODEL} at {@code parallelism} with
     * {@code flink run}; returns the job id. The parallelism goes to GenerateJob's own {@code --parallelism} as well:
     * with {@code flink run -p} alone the job ran at config.yaml's {@code parallelism.default} of 2.
     */
    static String submit(LocalCluster cluster, List<String> topics, int parallelism, String savepoint,
            String... extra) {
        List<String> args = LocalClusterCommand.generateArgs(cluster.ports(), MODEL, topics, topics.get(0),
                JumpPrompts.MAX_STEPS);
        args.addAll(List.of("--checkpoint-interval", "PT1S", "--parallelism", Integer.toString(parallelism)));
        args.addAll(List.of(extra));
        return cluster.cli().run(cluster.layout().jobJar(), parallelism, savepoint, args);
    }

    static KafkaProducer<byte[], byte[]> producer(LocalCluster cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.ports().bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A {@code read_committed} reader of the job's tokens, completions and rejected topics. */
    static CommittedOutput output(LocalCluster cluster, List<String> topics) {
        return new CommittedOutput(cluster.ports().bootstrapServers(), topics.get(1), topics.get(2), topics.get(3));
    }

    /** Produces {@code prompts} to {@code topic}, keyed by request id, single-object encoded, and flushes. */
    static void send(KafkaProducer<byte[], byte[]> producer, String topic, List<PromptRequest> prompts) {
        for (PromptRequest p : prompts) {
            producer.send(new ProducerRecord<>(topic, p.getRequestId().getBytes(), SingleObjectEncoding.encode(p)));
        }
        producer.flush();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
