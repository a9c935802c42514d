package io.muninn.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.flink.RecoveryTesting;
import io.muninn.jobs.KafkaIO;
import io.muninn.jobs.local.LocalKafka;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What GenerateJob's end-to-end tests share: a MiniCluster (one task manager, two slots), an in-JVM KRaft broker
 * started once per test class, the tiny model, and an exactly-once read of a topic.
 */
abstract class GenerateJobFixture {
    static final Path TINY = Path.of("../model/src/test/resources/golden/tiny-random").toAbsolutePath().normalize();
    /** How long to go on reading after the expected records: ten checkpoint intervals. */
    static final Duration GRACE = Duration.ofSeconds(3);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = RecoveryTesting.twoSlotCluster();

    static LocalKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The job's config with topics named from {@code prefix}, checkpointing every 300 ms, its four topics created. */
    static GenerateJobConfig configWithTopics(String prefix) throws Exception {
        GenerateJobConfig config = GenerateJobConfig.defaults(kafka.bootstrapServers(), prefix).withCheckpointMillis(300);
        kafka.createTopics(1, config.promptsTopic(), config.tokensTopic(), config.completionsTopic(),
                config.rejectedTopic());
        return config;
    }

    /**
     * Exactly {@code count} records of {@code topic}: after the expected count, a grace read (a few checkpoints, and
     * at least to the end offsets) would show duplicates beyond it; exactly-once means there are none.
     */
    static <T extends SpecificRecord> List<T> read(String topic, int count, Class<T> type) {
        var reader = new SingleObjectReader<>(type, SchemaHistory.versions(type.getSimpleName()));
        List<ConsumerRecord<byte[], byte[]>> records = KafkaIO.readUntil(kafka.bootstrapServers(), List.of(topic),
                Duration.ofSeconds(120), r -> r.size() >= count, GRACE);
        assertThat(records).as("records on %s", topic).hasSize(count);
        List<T> out = new ArrayList<>();
        for (var r : records) {
            try {
                out.add(reader.read(r.value()));
            } catch (Exception e) {
                throw new AssertionError("undecodable record on " + topic, e);
            }
        }
        return out;
    }
}
