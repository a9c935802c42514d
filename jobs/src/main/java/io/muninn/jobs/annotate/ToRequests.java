package io.muninn.jobs.annotate;

import io.muninn.flink.RequestEnvelope;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One input record (a JSON object line, see {@link InputRecord}) -> one request: the record's fields fill the prompt
 * template; the record itself rides along in the request's metadata ({@link #RECORD}), so the completion alone can be
 * turned into the output row. A record that cannot become a request (or that the source rejected) goes to
 * {@link #REJECTED} as a JSON line naming the problem.
 */
public final class ToRequests extends ProcessFunction<InputRecord, RequestEnvelope> {
    private static final long serialVersionUID = 1L;
    public static final String RECORD = "muninn.record";
    public static final OutputTag<String> REJECTED = new OutputTag<>("annotate-rejected",
            org.apache.flink.api.common.typeinfo.Types.STRING);

    private final AnnotateJobConfig config;

    public ToRequests(AnnotateJobConfig config) {
        this.config = config;
    }

    @Override
    public void processElement(InputRecord in, Context ctx, Collector<RequestEnvelope> out) {
        String line = in.text;
        if (in.error != null) {
            ctx.output(REJECTED, RejectedLine.json(null, in.field, in.error, line));
            return;
        }
        if (line.isBlank()) {
            return;
        }
        String id = null;
        try {
            Map<String, String> record = RecordFormat.fields(line);
            id = record.getOrDefault(config.idField(), null);
            if (id == null || id.isBlank()) {
                id = "sha256:" + hash(line);
            }
            String prompt = config.template().render(record, id);
            PromptInput input = config.chat()
                    ? PromptInput.newBuilder().setMessages(List.of(new PromptMessage("user", prompt))).build()
                    : PromptInput.newBuilder().setPrompt(prompt).build();
            Generation.Builder g = Generation.newBuilder().setMaxNewTokens(config.maxNewTokens())
                    .setCriterion(config.criterion());
            if (config.threshold() != null) {
                g.setThreshold(config.threshold());
            }
            g.setTotalStepsBudget(config.totalStepsBudget());
            PromptRequest request = PromptRequest.newBuilder()
                    .setRequestId(id)
                    .setInput(input)
                    .setGeneration(g.build())
                    .setMetadata(Map.of(RECORD, line))
                    .build();
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            out.collect(new RequestEnvelope(request, "annotate-input", -1, -1L,
                    java.util.Arrays.copyOf(bytes, Math.min(bytes.length, Rejection.DEFAULT_KEPT_PAYLOAD_BYTES))));
        } catch (IllegalArgumentException e) {
            ctx.output(REJECTED, RejectedLine.json(id, "record", e.getMessage(), line));
        }
    }

    static String hash(String line) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
