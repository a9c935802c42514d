package io.muninn.sql;

import java.util.Collection;
import java.util.concurrent.CompletionException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/**
 * ML_PREDICT's synchronous function ({@code 'async' = 'false'}): one row at a time per instance, waiting for its
 * answer; the parallel instances of a task manager still step together in its shared engine.
 */
public final class MuninnPredictFunction extends PredictFunction {
    private static final long serialVersionUID = 1L;

    private final TaskPredictor predictor;

    MuninnPredictFunction(ModelSettings settings) {
        this.predictor = new TaskPredictor(settings);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        predictor.open(context);
    }

    @Override
    public Collection<RowData> predict(RowData row) {
        try {
            return predictor.get().predict(row).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        predictor.close();
        super.close();
    }
}
