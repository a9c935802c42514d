package io.muninn.sql;

import io.muninn.flink.GpuAssignment;
import java.io.Serializable;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The setup both predict functions share: the model's settings travel with the function, and between {@code open}
 * and {@code close} the task holds one {@link RowPredictor} on its assigned GPU (the CPU when none).
 */
final class TaskPredictor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;
    private transient RowPredictor predictor;

    TaskPredictor(ModelSettings settings) {
        this.settings = settings;
    }

    void open(FunctionContext context) {
        predictor = new RowPredictor(settings,
                GpuAssignment.index(context.getExternalResourceInfos(GpuAssignment.RESOURCE)));
    }

    /** The open task's predictor. */
    RowPredictor get() {
        return predictor;
    }

    /** Releases the predictor's engine lease; nothing to do when {@link #open} never ran. */
    void close() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
    }
}
