package io.muninn.jobs.annotate;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Completion -> output row: the input record's fields plus {@code answer} and its compute statistics. Counts
 * records, tokens, steps and errors in accumulators (the end-of-job summary) and in {@link #PROGRESS} (the local
 * progress bar, same JVM only).
 */
public final class ToAnnotation extends RichMapFunction<Completion, String> {
    private static final long serialVersionUID = 1L;
    public static final String RECORDS = "muninn-records";
    public static final String TOKENS = "muninn-tokens";
    public static final String STEPS = "muninn-steps";
    public static final String ERRORS = "muninn-errors";
    /** Rows written in this JVM since the last reset; read by the local progress bar. */
    public static final AtomicLong PROGRESS = new AtomicLong();
    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();

    private transient LongCounter records;
    private transient LongCounter tokens;
    private transient LongCounter steps;
    private transient LongCounter errors;

    @Override
    public void open(OpenContext context) {
        records = getRuntimeContext().getLongCounter(RECORDS);
        tokens = getRuntimeContext().getLongCounter(TOKENS);
        steps = getRuntimeContext().getLongCounter(STEPS);
        errors = getRuntimeContext().getLongCounter(ERRORS);
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
        records.add(1L);
        tokens.add((long) c.getGeneratedTokens());
        steps.add(c.getTotalSteps());
        if (c.getFinishReason() != FinishReason.STOP && c.getFinishReason() != FinishReason.LENGTH) {
            errors.add(1L);
        }
        PROGRESS.incrementAndGet();
        return GSON.toJson(row);
    }
}
