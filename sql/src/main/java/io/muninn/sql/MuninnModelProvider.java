package io.muninn.sql;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/** A planned muninn model: offers the asynchronous predict function (the planner's default) and the synchronous one. */
public final class MuninnModelProvider implements AsyncPredictRuntimeProvider, PredictRuntimeProvider {
    private final ModelSettings settings;

    MuninnModelProvider(ModelSettings settings) {
        this.settings = settings;
    }

    public ModelSettings settings() {
        return settings;
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
        return new MuninnAsyncPredictFunction(settings);
    }

    @Override
    public PredictFunction createPredictFunction(ModelProvider.Context context) {
        return new MuninnPredictFunction(settings);
    }

    @Override
    public ModelProvider copy() {
        return new MuninnModelProvider(settings);
    }
}
