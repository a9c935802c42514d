package io.muninn.sql;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * ML_PREDICT's asynchronous function (the planner's default): each row's future completes when the task manager's
 * shared engine finishes its generation, so many rows of every parallel instance are in flight and step together.
 * Flink's async operator bounds them ({@code max-concurrent-operations}), orders them ({@code output-mode}), times
 * them out ({@code timeout}) and re-issues those in flight at a checkpoint after a restore.
 */
public final class MuninnAsyncPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final TaskPredictor predictor;

    MuninnAsyncPredictFunction(ModelSettings settings) {
        this.predictor = new TaskPredictor(settings);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        predictor.open(context);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData row) {
        return predictor.get().predict(row);
    }

    @Override
    public void close() throws Exception {
        predictor.close();
        super.close();
    }
}
