package io.muninn.bench;

import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.SingleObjectEncoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The soak's steady producer: one request every {@code 1/rate} seconds, numbered through the ledger, cycling over a
 * pool of prompts with a fresh request id each time. It never runs more than {@code backlog} requests ahead of what
 * came back, so the final drain stays short; the time it spends held by that limit is counted (a producer faster
 * than the model spends most of the run there).
 */
final class SoakProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final SoakLedger ledger;
    private final List<PromptRequest> pool;
    private final long intervalNanos;
    private final int backlog;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long heldNanos;
    private long runNanos;

    SoakProducer(String bootstrap, String topic, SoakLedger ledger, List<PromptRequest> pool, double rate, int backlog) {
        this.producer = PipelineBenchmark.producer(bootstrap);
        this.topic = topic;
        this.ledger = ledger;
        this.pool = pool;
        this.intervalNanos = (long) (1e9 / rate);
        this.backlog = backlog;
    }

    /**
     * Produces until {@code seconds} have passed or {@code cap} requests were produced in all, calling
     * {@code check} about every 100 ms (it throws to stop the run when the job or the consumer failed).
     */
    void run(double seconds, int cap, Check check) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long next = start;
        long lastCheck = start;
        while (System.nanoTime() < end && ledger.produced() < cap) {
            long now = System.nanoTime();
            if (now - lastCheck > 100_000_000L) {
                check.run();
                failed();
                lastCheck = now;
            }
            if (ledger.produced() - ledger.settled() >= backlog) {
                Thread.sleep(2);
                heldNanos += System.nanoTime() - now;
                next = System.nanoTime();
                continue;
            }
            if (now < next) {
                Thread.sleep(Math.max(1, (next - now) / 1_000_000));
                continue;
            }
            send(ledger.produce());
            next = Math.max(next, now - intervalNanos) + intervalNanos;
        }
        producer.flush();
        failed();
        runNanos += System.nanoTime() - start;
    }

    private void send(int n) {
        PromptRequest request = PromptRequest.newBuilder(pool.get(n % pool.size())).setRequestId(ledger.id(n)).build();
        producer.send(new ProducerRecord<>(topic, ledger.id(n).getBytes(StandardCharsets.UTF_8),
                SingleObjectEncoding.encode(request)), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    private void failed() throws Exception {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a prompt could not be produced: " + e, e);
        }
    }

    /** The share of its running time the producer was held back by the backlog limit. */
    double heldShare() {
        return runNanos == 0 ? 0 : (double) heldNanos / runNanos;
    }

    @Override
    public void close() {
        producer.close();
    }

    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }
}
