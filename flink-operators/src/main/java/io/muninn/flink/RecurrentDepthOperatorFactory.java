package io.muninn.flink;

import io.muninn.schemas.TokenEvent;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/** Creates {@link RecurrentDepthOperator}s with the task's mailbox executor, which runs their step loop. */
public final class RecurrentDepthOperatorFactory extends AbstractStreamOperatorFactory<TokenEvent>
        implements OneInputStreamOperatorFactory<RequestEnvelope, TokenEvent> {
    private static final long serialVersionUID = 1L;

    private final GenerationSettings settings;

    public RecurrentDepthOperatorFactory(GenerationSettings settings) {
        this.settings = settings;
    }

    public GenerationSettings settings() {
        return settings;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<TokenEvent>> T createStreamOperator(StreamOperatorParameters<TokenEvent> parameters) {
        return (T) new RecurrentDepthOperator(parameters, settings);
    }

    @Override
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return RecurrentDepthOperator.class;
    }
}
