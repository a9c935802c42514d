package io.muninn.deploy.local;

import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What a {@code read_committed} consumer sees of the job's output topics: every record, duplicates included. */
final class CommittedOutput implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String tokensTopic;
    private final String completionsTopic;
    private final SingleObjectReader<TokenEvent> tokens = new SingleObjectReader<>(TokenEvent.class, SchemaHistory.versions("TokenEvent"));
    private final SingleObjectReader<Completion> completions = new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
    private final SingleObjectReader<RejectedRecord> rejects = new SingleObjectReader<>(RejectedRecord.class, SchemaHistory.versions("RejectedRecord"));

    /** Token events per request in the order read (a duplicate would appear twice). */
    final Map<String, List<TokenEvent>> tokenEvents = new HashMap<>();
    /** Completions per request (a duplicate would appear twice). */
    final Map<String, List<Completion>> completed = new HashMap<>();
    final List<String> rejected = new ArrayList<>();

    CommittedOutput(String bootstrap, String tokensTopic, String completionsTopic, String rejectedTopic) {
        this.tokensTopic = tokensTopic;
        this.completionsTopic = completionsTopic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(tokensTopic, completionsTopic, rejectedTopic));
    }

    int completions() {
        return completed.size();
    }

    /** Polls until {@code count} requests completed (and a little longer, to catch late duplicates). */
    void awaitCompletions(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completed.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(completed.size() + " of " + count + " requests completed within " + timeout
                        + "; rejected: " + rejected);
            }
            poll(Duration.ofMillis(500));
        }
        long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < settle) {
            poll(Duration.ofMillis(500));
        }
    }

    void poll(Duration timeout) throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(tokensTopic)) {
                TokenEvent t = tokens.read(r.value());
                tokenEvents.computeIfAbsent(t.getRequestId(), k -> new ArrayList<>()).add(t);
            } else if (r.topic().equals(completionsTopic)) {
                Completion c = completions.read(r.value());
                completed.computeIfAbsent(c.getRequestId(), k -> new ArrayList<>()).add(c);
            } else {
                RejectedRecord x = rejects.read(r.value());
                rejected.add(x.getField() + ": " + x.getReason());
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
