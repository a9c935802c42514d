package io.muninn.model.backend;

import io.muninn.model.kv.SequenceKv;

/**
 * The rows of one step entry inside a stacked micro-batch: rows {@code rowOffset .. rowOffset+rows-1} of the
 * batch are positions {@code firstPosition ..} of the sequence whose cache is {@code kv}. Linear layers see all
 * rows at once; attention runs per segment against its own cache (Orca's selective batching).
 */
public record Segment(SequenceKv kv, int rowOffset, int rows, int firstPosition) {}
