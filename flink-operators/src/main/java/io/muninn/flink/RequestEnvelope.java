package io.muninn.flink;

import io.muninn.schemas.PromptRequest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * A decoded, edge-validated request with where it came from, the operator's input. The source coordinates and the
 * (capped) raw payload let the operator still reject a request it can only judge with the model (a prompt longer
 * than the block size, a request id that is already running) as a complete {@code RejectedRecord}.
 *
 * <p>A Flink POJO: use {@link #TYPE}, which serializes the request with Avro, never with Kryo.
 */
public final class RequestEnvelope {

    /** Explicit type information: POJO fields, the request as Avro. */
    public static final TypeInformation<RequestEnvelope> TYPE = Types.POJO(RequestEnvelope.class, Map.of(
            "request", new AvroTypeInfo<>(PromptRequest.class),
            "sourceTopic", Types.STRING,
            "partition", Types.INT,
            "offset", Types.LONG,
            "payload", Types.PRIMITIVE_ARRAY(Types.BYTE)));

    public PromptRequest request;
    /** Topic the record was read from; a file name or {@code "-"} for sources that have none. */
    public String sourceTopic;
    public int partition;
    public long offset;
    /** The raw record, at most {@code Rejection.DEFAULT_KEPT_PAYLOAD_BYTES}; empty when not kept. */
    public byte[] payload;

    public RequestEnvelope() {}

    public RequestEnvelope(PromptRequest request, String sourceTopic, int partition, long offset, byte[] payload) {
        this.request = request;
        this.sourceTopic = sourceTopic;
        this.partition = partition;
        this.offset = offset;
        this.payload = payload;
    }

    /** An envelope for a request that did not come from a partitioned source (tests, files). */
    public static RequestEnvelope of(PromptRequest request) {
        return new RequestEnvelope(request, "-", -1, -1L, new byte[0]);
    }

    public String requestId() {
        return request.getRequestId();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestEnvelope e
                && Objects.equals(request, e.request)
                && Objects.equals(sourceTopic, e.sourceTopic)
                && partition == e.partition
                && offset == e.offset
                && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(request, sourceTopic, partition, offset);
    }

    @Override
    public String toString() {
        return String.format("RequestEnvelope{%s from %s-%s@%s}", requestId(), sourceTopic, partition, offset);
    }
}
