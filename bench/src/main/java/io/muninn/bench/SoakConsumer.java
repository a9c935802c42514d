package io.muninn.bench;

import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The soak's reader of the output topics: a {@code read_committed} consumer of the tokens, completions and rejected
 * topics, throttled to about {@code recordsPerSecond} records (small polls, then a pause), as a slow downstream
 * system would read. Every record goes into the ledger. {@link #finish} makes it read on until its position reaches
 * the end offsets (the last stable offsets) of every partition, so duplicates committed late are counted too.
 */
final class SoakConsumer implements Runnable, AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SoakLedger ledger;
    private final String completions;
    private final String tokens;
    private final long nanosPerRecord;
    private final SingleObjectReader<Completion> completionReader =
            new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
    private final SingleObjectReader<TokenEvent> tokenReader =
            new SingleObjectReader<>(TokenEvent.class, SchemaHistory.versions("TokenEvent"));
    private final SingleObjectReader<RejectedRecord> rejectedReader =
            new SingleObjectReader<>(RejectedRecord.class, SchemaHistory.versions("RejectedRecord"));
    private volatile boolean finishing;
    private volatile boolean stopped;
    private volatile boolean done;
    private volatile Throwable failure;
    private volatile long records;

    SoakConsumer(String bootstrap, SoakLedger ledger, String completions, String tokens, String rejected,
            int recordsPerSecond) {
        this.ledger = ledger;
        this.completions = completions;
        this.tokens = tokens;
        this.nanosPerRecord = 1_000_000_000L / recordsPerSecond;
        Properties p = BenchKafka.readCommitted(bootstrap, "soak-");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, recordsPerSecond / 10)));
        consumer = BenchKafka.consumer(p, List.of(completions, tokens, rejected));
    }

    @Override
    public void run() {
        try (consumer) {
            long budgetStart = System.nanoTime();
            long read = 0;
            while (!stopped && !(finishing && caughtUp())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    account(r);
                    read++;
                }
                records = read;
                long ahead = budgetStart + read * nanosPerRecord - System.nanoTime();
                if (ahead > 0) {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                } else if (ahead < -1_000_000_000L) {
                    budgetStart += -1_000_000_000L - ahead; // an idle spell saves at most one second of reading
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
        }
    }

    private void account(ConsumerRecord<byte[], byte[]> r) throws Exception {
        if (r.topic().equals(completions)) {
            Completion c = completionReader.read(r.value());
            ledger.completion(c.getRequestId().toString(), c.getTokenIds().size());
        } else if (r.topic().equals(tokens)) {
            TokenEvent t = tokenReader.read(r.value());
            ledger.token(t.getRequestId().toString(), t.getIndex());
        } else {
            RejectedRecord rejected = rejectedReader.read(r.value());
            ledger.rejection(rejected.getRequestId() == null ? null : rejected.getRequestId().toString());
        }
    }

    private boolean caughtUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        return !end.isEmpty() && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Reads on until caught up with the end offsets, then stops; returns once stopped, or throws its failure. */
    void finish(Duration timeout) throws Exception {
        finishing = true;
        long end = System.nanoTime() + timeout.toNanos();
        while (!done) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the output consumer did not catch up within " + timeout);
            }
            Thread.sleep(50);
        }
        check();
    }

    /** Throws what stopped the consumer, if anything did. */
    void check() throws Exception {
        if (failure instanceof Exception e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** Stops reading (at once, not caught up) and waits briefly for the thread to close its consumer. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (int i = 0; i < 100 && !done; i++) {
            Thread.sleep(50);
        }
    }

    long records() {
        return records;
    }
}
