package io.muninn.sql;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * The {@code muninn} model provider: {@code CREATE MODEL m INPUT (...) OUTPUT (...) WITH ('provider' = 'muninn',
 * 'model-path' = '...')}. Found through Flink's factory SPI (META-INF/services/org.apache.flink.table.factories.Factory).
 * Unknown options, wrong values and wrong schemas fail when the model is planned.
 */
public final class MuninnModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "muninn";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(MuninnModelOptions.MODEL_PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(MuninnModelOptions.MAX_NEW_TOKENS, MuninnModelOptions.EXIT_CRITERION,
                MuninnModelOptions.EXIT_THRESHOLD, MuninnModelOptions.EXIT_IN_PREFILL, MuninnModelOptions.MAX_STEPS,
                MuninnModelOptions.KV_STRATEGY, MuninnModelOptions.KV_BUDGET, MuninnModelOptions.MAX_ACTIVE_SEQUENCES,
                MuninnModelOptions.TEMPERATURE, MuninnModelOptions.TOP_K, MuninnModelOptions.TOP_P,
                MuninnModelOptions.MIN_P, MuninnModelOptions.SEED, MuninnModelOptions.PROMPT_TEMPLATE,
                MuninnModelOptions.ID_COLUMN, MuninnModelOptions.ERROR_HANDLING, MuninnModelOptions.TOTAL_STEPS_BUDGET);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        var model = context.getCatalogModel();
        return new MuninnModelProvider(ModelValidation.validate(context.getObjectIdentifier().asSummaryString(),
                helper.getOptions(), model.getResolvedInputSchema(), model.getResolvedOutputSchema()));
    }
}
