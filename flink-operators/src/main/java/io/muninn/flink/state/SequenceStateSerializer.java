package io.muninn.flink.state;

import io.muninn.model.scheduler.SequenceProgress;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.RejectionException;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectEncoding;
import io.muninn.schemas.codec.SingleObjectReader;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes {@link SequenceState} explicitly, field by field, behind a format version (no Kryo, no Java
 * serialization). The request is stored in Avro single-object encoding, so a state written with an older
 * {@code PromptRequest} schema is read through the schema history like any other old record.
 *
 * <p>Format 1: request (length-prefixed single-object bytes), prompt token ids, accepted and first-token times,
 * then per generated token its id, exit step and criterion value. Format 2 (written now) adds, after the tokens, the
 * highest latency relaxation stage the tokens ran under, so a completion's {@code depth_stage} covers the whole
 * request across restores; format 1 is still read, with stage 0.
 */
public final class SequenceStateSerializer extends TypeSerializer<SequenceState> {
    private static final long serialVersionUID = 1L;
    static final int FORMAT = 2;
    /** The oldest format this serializer still reads. */
    static final int OLDEST_FORMAT = 1;

    private transient SingleObjectReader<PromptRequest> reader;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<SequenceState> duplicate() {
        return new SequenceStateSerializer();
    }

    @Override
    public SequenceState createInstance() {
        return null;
    }

    @Override
    public SequenceState copy(SequenceState from) {
        return from;
    }

    @Override
    public SequenceState copy(SequenceState from, SequenceState reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SequenceState s, DataOutputView out) throws IOException {
        out.writeInt(FORMAT);
        byte[] request = SingleObjectEncoding.encode(s.request());
        out.writeInt(request.length);
        out.write(request);
        writeInts(s.promptTokens(), out);
        out.writeLong(s.acceptedAtMs());
        out.writeLong(s.firstTokenAtMs());
        SequenceProgress p = s.progress();
        out.writeInt(p.size());
        for (int i = 0; i < p.size(); i++) {
            out.writeInt(p.tokens()[i]);
            out.writeInt(p.exitSteps()[i]);
            out.writeDouble(p.criterionValues()[i]);
        }
        out.writeInt(p.depthStage());
    }

    @Override
    public SequenceState deserialize(DataInputView in) throws IOException {
        int format = in.readInt();
        if (format < OLDEST_FORMAT || format > FORMAT) {
            throw new IOException(String.format(
                    "sequence state has format %s but this Muninn reads format %s to %s; restore with the Muninn "
                            + "version that wrote it, or start without state", format, OLDEST_FORMAT, FORMAT));
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        PromptRequest request;
        try {
            request = reader().read(bytes);
        } catch (RejectionException e) {
            throw new IOException("sequence state holds a request this Muninn cannot read: " + e.getMessage(), e);
        }
        int[] prompt = readInts(in);
        long accepted = in.readLong();
        long firstToken = in.readLong();
        int n = in.readInt();
        int[] tokens = new int[n];
        int[] steps = new int[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = in.readInt();
            steps[i] = in.readInt();
            values[i] = in.readDouble();
        }
        int depthStage = format >= 2 ? in.readInt() : 0;
        return new SequenceState(request, prompt, accepted, firstToken,
                new SequenceProgress(tokens, steps, values, depthStage));
    }

    @Override
    public SequenceState deserialize(SequenceState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceStateSerializer;
    }

    @Override
    public int hashCode() {
        return SequenceStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SequenceState> snapshotConfiguration() {
        return new SequenceStateSerializerSnapshot();
    }

    private SingleObjectReader<PromptRequest> reader() {
        if (reader == null) {
            reader = new SingleObjectReader<>(PromptRequest.class, SchemaHistory.versions("PromptRequest"));
        }
        return reader;
    }

    private static void writeInts(int[] values, DataOutputView out) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputView in) throws IOException {
        int[] values = new int[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
