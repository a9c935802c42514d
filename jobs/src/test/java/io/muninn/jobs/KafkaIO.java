package io.muninn.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: produce raw bytes, read a topic as a {@code read_committed} consumer. */
public final class KafkaIO {
    private KafkaIO() {}

    public static void produce(String bootstrap, String topic, List<byte[]> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code topic} from the start as a {@code read_committed} consumer until {@code done} holds for what was
     * read, or fails after {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(String bootstrap, String topic, Duration timeout,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        return readUntil(bootstrap, List.of(topic), timeout, done, Duration.ZERO);
    }

    /**
     * Reads {@code topics} from the start as a {@code read_committed} consumer until {@code done} holds for what was
     * read (or fails after {@code timeout}), then goes on reading for {@code grace} and at least until its position
     * reaches the end offsets (the last stable offsets) of every partition, so that records beyond what {@code done}
     * waited for, such as duplicates, are in the result too.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(String bootstrap, List<String> topics,
            Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration grace) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + timeout.toNanos();
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            while (!done.test(out)) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(String.format("topics %s: condition not met after %s; read %s records",
                            topics, timeout, out.size()));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            if (grace.isZero()) {
                return out;
            }
            long graceEnd = System.nanoTime() + grace.toNanos();
            long hardEnd = graceEnd + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < graceEnd || !atEnd(consumer)) {
                if (System.nanoTime() > hardEnd) {
                    throw new AssertionError("topics " + topics + ": the end offsets were not reached");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }

}
