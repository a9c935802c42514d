package io.muninn.sql;

import io.muninn.flink.GpuAssignment;
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

    private final ModelSettings settings;
    private transient RowPredictor predictor;

    MuninnAsyncPredictFunction(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        predictor = new RowPredictor(settings,
                GpuAssignment.index(context.getExternalResourceInfos(GpuAssignment.RESOURCE)));
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData row) {
        return predictor.predict(row);
    }

    @Override
    public void close() throws Exception {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
        super.close();
    }
}
