package io.muninn.sql;

import io.muninn.flink.GenerationSettings;
import io.muninn.flink.LoadedModel;
import io.muninn.flink.RequestResolver;
import io.muninn.model.kernel.Accelerator;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.RejectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task manager's one engine for a model and its engine settings: one step-loop thread runs the model's
 * {@link StepScheduler} over every row in flight from every predict function that shares it, batching them step by
 * step, and completes each row's future when its generation ends. Rows wait in a bounded inbox
 * ({@code max-waiting-sequences}); {@link #submit} blocks while it is full, so a full engine back-pressures the
 * calling task instead of buffering without bound. A row nobody waits for any more is ended with {@link #cancel}: the
 * step thread takes it out of the scheduler, so it stops using steps. Obtained through {@link EngineRegistry}.
 */
final class SharedEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEngine.class);
    private static final long IDLE_POLL_MILLIS = 50;

    /** A row on its way to the scheduler. */
    private record Pending(PromptRequest request, CompletableFuture<RowResult> future) {}

    private final GenerationSettings settings;
    private final ArrayBlockingQueue<Pending> inbox;
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Map<String, CompletableFuture<RowResult>> live = new HashMap<>(); // step thread only
    /** Rows to end, handed from any thread to the step thread, which alone touches the scheduler. */
    private final ConcurrentLinkedQueue<CompletableFuture<RowResult>> cancels = new ConcurrentLinkedQueue<>();
    private final AtomicLong cancelled = new AtomicLong();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private LoadedModel model;
    private RequestResolver resolver;
    private StepScheduler scheduler;
    private long nextId;

    private final OptionalInt gpu;

    SharedEngine(GenerationSettings settings, OptionalInt gpu) {
        this.settings = settings;
        this.gpu = gpu;
        this.inbox = new ArrayBlockingQueue<>(settings.maxWaitingSequences());
        this.thread = new Thread(this::run, "muninn-sql-steps " + settings.modelPath());
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the model is loaded; rethrows the load's failure. */
    void awaitReady() {
        ready.join();
    }

    /**
     * Queues a row's request (its request_id is replaced by a unique one; its seed is set by the caller), blocking
     * while the inbox is full.
     */
    CompletableFuture<RowResult> submit(PromptRequest request) throws InterruptedException {
        CompletableFuture<RowResult> future = new CompletableFuture<>();
        Pending pending = new Pending(request, future);
        while (!ended() && !inbox.offer(pending, 100, TimeUnit.MILLISECONDS)) {
            // the inbox is full: wait for room, but not for an engine that has ended
        }
        // an engine that ended drained its inbox once; a row put after that drain is failed here, not left waiting
        if (ended()) { // a no-op for a row the engine already answered or failed
            inbox.remove(pending);
            future.completeExceptionally(new IllegalStateException("the muninn engine of " + settings.modelPath()
                    + " has stopped", failure));
        }
        return future;
    }

    /**
     * Ends the row whose result {@code row} is ({@link #submit}'s future) with finish reason {@code cancelled}, from any
     * thread: the step thread takes it out of the scheduler (or drops it from the inbox) before its next step, so it
     * stops using steps and KV cache. A no-op for a row that already ended.
     */
    void cancel(CompletableFuture<RowResult> row) {
        if (!row.isDone()) {
            cancels.add(row);
        }
    }

    /** Rows ended by {@link #cancel} while waiting or running (for tests and diagnostics). */
    long cancelledRows() {
        return cancelled.get();
    }

    private boolean ended() {
        return failure != null || stopping;
    }

    void stop() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            // bound like the operator's task thread: the weights are shared per device, the step arena per thread
            String device = Accelerator.attachCurrentThread(gpu);
            model = LoadedModel.load(settings);
            resolver = new RequestResolver(model, settings.maxNewTokens(), settings.exitInPrefill());
            scheduler = new StepScheduler(model.engine, settings.schedulerOptions(), new Listener(), model.tokenizer,
                    System::currentTimeMillis, settings.latencyController());
            LOG.info("Started the SQL engine of {} on {} (weights {} bytes, {}): {}", settings.modelPath(), device,
                    model.weights.bytes(), model.weights.loadedIt() ? "loaded" : "shared", settings);
        } catch (Throwable t) {
            failure = t;
            ready.completeExceptionally(t);
            failWaiting(t);
            return;
        }
        ready.complete(null);
        try {
            loop();
        } catch (InterruptedException e) {
            if (!stopping) {
                failure = e;
            }
        } catch (Throwable t) {
            failure = t;
            LOG.error("The SQL engine of {} failed", settings.modelPath(), t);
        } finally {
            Throwable cause = failure != null ? failure : new IllegalStateException("the engine was closed");
            failWaiting(cause);
            live.values().forEach(f -> f.completeExceptionally(cause));
            live.clear();
            model.close(); // frees this thread's step arena and releases the weights
        }
    }

    /** Fails every row still in the inbox. */
    private void failWaiting(Throwable cause) {
        List<Pending> left = new ArrayList<>();
        inbox.drainTo(left);
        left.forEach(p -> p.future.completeExceptionally(cause));
    }

    private void loop() throws InterruptedException {
        while (!stopping) {
            applyCancels();
            while (scheduler.waitingCount() < settings.maxWaitingSequences()) {
                Pending p = scheduler.hasWork() ? inbox.poll() : inbox.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (p == null) {
                    break;
                }
                accept(p);
            }
            if (scheduler.hasWork()) {
                scheduler.step();
            }
        }
    }

    /** Runs on the step thread: ends the rows {@link #cancel} handed over. */
    private void applyCancels() {
        for (CompletableFuture<RowResult> row; (row = cancels.poll()) != null; ) {
            String id = null;
            for (var e : live.entrySet()) {
                if (e.getValue() == row) {
                    id = e.getKey();
                }
            }
            if (id != null ? scheduler.cancel(id) : row.complete(new RowResult("", new int[0], 0, "cancelled", 0))) {
                cancelled.incrementAndGet(); // live: the listener completed it; still in the inbox: accept skips it
            }
        }
    }

    private void accept(Pending p) {
        if (p.future.isDone()) {
            return; // cancelled before the engine took it
        }
        String id = "sql-" + nextId++;
        PromptRequest request = PromptRequest.newBuilder(p.request).setRequestId(id).build();
        try {
            int[] prompt = resolver.promptTokens(request);
            var sequence = resolver.sequence(request, prompt);
            live.put(id, p.future);
            scheduler.submit(sequence);
        } catch (RejectionException e) {
            p.future.complete(RowResult.rejected(e.rejection().reason()));
        } catch (RuntimeException e) {
            p.future.complete(RowResult.rejected(String.valueOf(e.getMessage())));
        }
    }

    /** Runs on the step thread, inside {@link StepScheduler#step()}. */
    private final class Listener implements GenerationListener {
        @Override
        public void onToken(TokenOutput token) {}

        @Override
        public void onFinished(SequenceOutcome o) {
            CompletableFuture<RowResult> future = live.remove(o.requestId());
            if (future == null) {
                return;
            }
            String reason = o.reason().name().toLowerCase(Locale.ROOT);
            if (o.reason() == FinishReason.ERROR && o.message() != null && !o.message().isEmpty()) {
                reason = reason + ": " + o.message();
            }
            String answer = model.tokenizer == null ? "" : model.tokenizer.decode(o.tokens(), true);
            future.complete(new RowResult(answer, o.exitSteps(), o.totalSteps(), reason, o.promptTokens()));
        }
    }
}
