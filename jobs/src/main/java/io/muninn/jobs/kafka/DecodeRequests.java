package io.muninn.jobs.kafka;

import io.muninn.flink.RequestEnvelope;
import io.muninn.flink.Records;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.codec.Decoded;
import io.muninn.schemas.codec.PromptCodec;
import io.muninn.schemas.codec.Rejection;
import io.muninn.schemas.validate.RequestLimits;
import io.muninn.schemas.validate.RequestValidator;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes prompts-topic records (Avro single-object or JSON) and checks their values against the model's limits.
 * Good requests continue as {@link RequestEnvelope}s; every bad record goes to {@link #REJECTED} with the field
 * and the reason, and the job keeps running.
 */
public final class DecodeRequests extends ProcessFunction<RawRecord, RequestEnvelope> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("decode-rejected", Records.REJECTED);

    private final int blockSize;
    private final int vocabSize;
    private final int maxNewTokens;
    private final int maxSteps;
    private final List<String> criteria;
    private final int maxPayloadBytes;

    private transient PromptCodec codec;
    private transient RequestValidator validator;

    public DecodeRequests(RequestLimits limits, int maxPayloadBytes) {
        this.blockSize = limits.blockSize();
        this.vocabSize = limits.vocabSize();
        this.maxNewTokens = limits.maxNewTokens();
        this.maxSteps = limits.maxSteps();
        this.criteria = List.copyOf(limits.criterionNames());
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
        codec = PromptCodec.builder().maxPayloadBytes(maxPayloadBytes).build();
        validator = new RequestValidator(new RequestLimits(blockSize, vocabSize, maxNewTokens, maxSteps, criteria));
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<RequestEnvelope> out) {
        Decoded decoded = codec.decode(raw.value);
        Rejection problem;
        if (decoded instanceof Decoded.Accepted accepted) {
            Optional<Rejection> invalid = validator.validate(accepted.request());
            if (invalid.isEmpty()) {
                byte[] kept = raw.value.length <= Rejection.DEFAULT_KEPT_PAYLOAD_BYTES
                        ? raw.value
                        : Arrays.copyOf(raw.value, Rejection.DEFAULT_KEPT_PAYLOAD_BYTES);
                out.collect(new RequestEnvelope(accepted.request(), raw.topic, raw.partition, raw.offset, kept));
                return;
            }
            problem = invalid.get();
        } else {
            problem = ((Decoded.Rejected) decoded).rejection();
        }
        ctx.output(REJECTED, problem.toRecord(raw.topic, raw.partition, raw.offset, raw.value,
                ctx.timerService().currentProcessingTime()));
    }
}
