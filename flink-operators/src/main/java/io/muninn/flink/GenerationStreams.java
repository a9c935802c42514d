package io.muninn.flink;

import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What {@link RecurrentDepthGeneration#apply} returns: every token as it exits, every request's completion, and
 * the requests the operator refused (with the field and reason).
 */
public record GenerationStreams(DataStream<TokenEvent> tokens, DataStream<Completion> completions,
        DataStream<RejectedRecord> rejected) {}
