package io.muninn.jobs.annotate;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Completion -> output row: the input record's fields plus {@code answer} and its compute statistics. Counts
 * records, tokens, steps and errors in accumulators that hold the counts the exactly-once sinks have committed
 * ({@link CommittedCounters}): the progress bar reads {@link #RECORDS} through the job client while the job runs,
 * the end-of-job summary all four; both are right after a restore and on a remote cluster.
 */
public final class ToAnnotation extends RichMapFunction<Completion, String>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;
    public static final String RECORDS = "muninn-records";
    public static final String TOKENS = "muninn-tokens";
    public static final String STEPS = "muninn-steps";
    public static final String ERRORS = "muninn-errors";
    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();

    private static final int RECORD = 0;
    private static final int TOKEN = 1;
    private static final int STEP = 2;
    private static final int ERROR = 3;

    private final CommittedCounters counters =
            new CommittedCounters("muninn-annotate-committed-counts", RECORDS, TOKENS, STEPS, ERRORS);

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters.initialize(context);
    }

    @Override
    public void open(OpenContext context) {
        counters.open(getRuntimeContext());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        counters.complete(checkpointId);
    }

    @Override
    public String map(Completion c) {
        String record = String.valueOf(c.getMetadata().get(ToRequests.RECORD));
        JsonObject row;
        JsonElement parsed = record == null ? null : JsonParser.parseString(record);
        row = parsed != null && parsed.isJsonObject() ? parsed.getAsJsonObject() : new JsonObject();
        row.addProperty("request_id", c.getRequestId().toString());
        row.addProperty("answer", c.getText().toString());
        row.addProperty("finish_reason", c.getFinishReason().name().toLowerCase(Locale.ROOT));
        row.addProperty("generated_tokens", c.getGeneratedTokens());
        JsonArray perToken = new JsonArray();
        c.getStepsPerToken().forEach(perToken::add);
        row.add("steps_per_token", perToken);
        row.addProperty("mean_steps", c.getMeanSteps());
        if (c.getErrorMessage() != null) {
            row.addProperty("error", c.getErrorMessage().toString());
        }
        counters.add(RECORD, 1L);
        counters.add(TOKEN, c.getGeneratedTokens());
        counters.add(STEP, c.getTotalSteps());
        if (c.getFinishReason() != FinishReason.STOP && c.getFinishReason() != FinishReason.LENGTH) {
            counters.add(ERROR, 1L);
        }
        return GSON.toJson(row);
    }
}
