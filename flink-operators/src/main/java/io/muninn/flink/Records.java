package io.muninn.flink;

import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/** Type information for the operator's outputs: Avro's serializer for the generated classes, never Kryo. */
public final class Records {
    private Records() {}

    public static final TypeInformation<TokenEvent> TOKEN = new AvroTypeInfo<>(TokenEvent.class);
    public static final TypeInformation<Completion> COMPLETION = new AvroTypeInfo<>(Completion.class);
    public static final TypeInformation<RejectedRecord> REJECTED = new AvroTypeInfo<>(RejectedRecord.class);
}
