package io.muninn.sql;

import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RequestSeeds;
import io.muninn.schemas.Sampling;
import io.muninn.sql.MuninnModelOptions.ErrorHandling;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/**
 * What both predict functions do with a row: render its prompt, build the request a row runs as (the same request
 * {@code bin/muninn annotate} builds for a record: prompt text, max_new_tokens, criterion, threshold, sampling,
 * step budget), seed it from the row, hand it to the task manager's engine, and turn the result into the output row.
 * Bad rows are rejected rows or failures, as {@code error-handling} says.
 */
final class RowPredictor implements AutoCloseable {
    private final ModelSettings settings;
    private final EngineRegistry.Lease lease;
    /** This task's rows in the engine, so that {@link #close} can end them. */
    private final Set<CompletableFuture<RowResult>> inFlight = ConcurrentHashMap.newKeySet();

    /** @param gpu the task's assigned GPU ({@code GpuAssignment}), empty on the CPU */
    RowPredictor(ModelSettings settings, OptionalInt gpu) {
        this.settings = settings;
        this.lease = EngineRegistry.acquire(settings.engine(), gpu);
    }

    CompletableFuture<Collection<RowData>> predict(RowData row) {
        String prompt;
        try {
            prompt = settings.prompt().render(row);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(rejectedOrFail(row, e.getMessage()));
        }
        PromptRequest request = request(row, prompt);
        CompletableFuture<RowResult> result;
        try {
            result = lease.engine.submit(request);
            inFlight.add(result);
            result.whenComplete((r, t) -> inFlight.remove(result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return result.thenApply(r -> {
            if (r.finishReason().startsWith("rejected: ")) {
                return rejectedOrFail(row, r.finishReason().substring("rejected: ".length()));
            }
            return List.of(toRow(r));
        });
    }

    private Collection<RowData> rejectedOrFail(RowData row, String reason) {
        if (settings.errorHandling() == ErrorHandling.FAIL) {
            throw new IllegalArgumentException(String.format("Model %s cannot run the row %s: %s (option '%s' = "
                            + "'%s'; REJECT gives the row finish_reason 'rejected: <reason>' instead)",
                    settings.modelName(), settings.prompt().describe(row), reason,
                    MuninnModelOptions.ERROR_HANDLING.key(), ErrorHandling.FAIL));
        }
        return List.of(toRow(RowResult.rejected(reason)));
    }

    private RowData toRow(RowResult r) {
        List<OutputColumn> columns = settings.outputColumns();
        GenericRowData out = new GenericRowData(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            out.setField(i, columns.get(i).value(r));
        }
        return out;
    }

    private PromptRequest request(RowData row, String prompt) {
        String identity = settings.idColumn() >= 0 ? settings.prompt().value(row, settings.idColumn()) : null;
        return request(settings, identity, prompt);
    }

    /**
     * The request a row runs as: its seed is the configured one, else derived from {@code identity} (the id column's
     * value; null: the prompt) as a request's seed is derived from its request_id, never random.
     */
    static PromptRequest request(ModelSettings settings, String identity, String prompt) {
        if (identity == null) {
            identity = prompt;
        }
        long seed = settings.seed() != null ? settings.seed() : RequestSeeds.fromRequestId(identity);
        Sampling.Builder sampling = Sampling.newBuilder().setSeed(seed);
        if (!settings.greedy()) {
            sampling.setGreedy(false).setTemperature(settings.temperature()).setTopK(settings.topK())
                    .setTopP(settings.topP()).setMinP(settings.minP());
        }
        Generation.Builder g = Generation.newBuilder()
                .setMaxNewTokens(settings.maxNewTokens())
                .setCriterion(settings.criterion())
                .setSampling(sampling.build());
        if (settings.threshold() != null) {
            g.setThreshold(settings.threshold());
        }
        if (settings.engine().maxSteps() > 0) {
            g.setMaxSteps(settings.engine().maxSteps());
        }
        g.setTotalStepsBudget(settings.totalStepsBudget());
        return PromptRequest.newBuilder()
                .setRequestId(identity)
                .setInput(PromptInput.newBuilder().setPrompt(prompt).build())
                .setGeneration(g.build())
                .build();
    }

    /**
     * Ends this task's rows still in the engine, then releases it. The engine may outlive the task (other tasks of the
     * job on this task manager share it), and nobody waits for these rows any more: the task closes when it
     * finishes, is cancelled, or fails, for example when Flink's async operator times a row out (ML_PREDICT's
     * {@code timeout}: the table runtime's async runner keeps AsyncFunction's default timeout, which fails the task
     * with a TimeoutException, and gives the predict function no hook of its own).
     */
    @Override
    public void close() {
        inFlight.forEach(lease.engine::cancel);
        lease.close();
    }
}
