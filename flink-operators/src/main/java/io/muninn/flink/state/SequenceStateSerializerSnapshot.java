package io.muninn.flink.state;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;

/**
 * The serializer's snapshot. The serializer has no configuration; its record format carries its own version, so a
 * later format can still read this one and report compatibility as after-migration.
 */
public final class SequenceStateSerializerSnapshot extends SimpleTypeSerializerSnapshot<SequenceState> {
    public SequenceStateSerializerSnapshot() {
        super(SequenceStateSerializer::new);
    }
}
