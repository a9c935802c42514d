package io.muninn.bench;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka clients the pipeline benchmarks use to feed the job and to read what it committed. */
final class BenchKafka {
    private BenchKafka() {
    }

    /**
     * A consumer's settings that read each topic from its start and only committed transactions (the job writes
     * exactly once), in a group of its own: {@code groupPrefix} and a random id.
     */
    static Properties readCommitted(String bootstrap, String groupPrefix) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** A byte-array consumer with the settings of {@link #readCommitted}, subscribed to {@code topics}. */
    static KafkaConsumer<byte[], byte[]> consumer(Properties settings, List<String> topics) {
        var c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(topics);
        return c;
    }

    /** A byte-array producer that batches for at most {@code lingerMs} (0: each record goes out when sent). */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
