package io.muninn.sql;

import io.muninn.flink.GenerationSettings;
import io.muninn.sql.MuninnModelOptions.ErrorHandling;
import java.io.Serializable;
import java.util.List;

/**
 * A planned muninn model: the engine it runs on (shared per task manager by every predict function with equal
 * {@link #engine}), how a row becomes a request, and which output columns it fills. Built and checked by
 * {@link ModelValidation}.
 *
 * @param engine        the engine's settings, the DataStream operator's record (key of the task manager's engine)
 * @param maxNewTokens  tokens per answer at most
 * @param criterion     exit criterion name
 * @param threshold     its threshold, null for the criterion's default
 * @param temperature   null (or 0) for greedy decoding
 * @param seed          null: derived per row
 * @param prompt        how a row becomes its prompt
 * @param idColumn      index of the input column that identifies a row, -1 for none
 * @param outputColumns the declared output columns, in order
 * @param totalStepsBudget each row's {@code generation.total_steps_budget}, null for none
 */
public record ModelSettings(
        String modelName,
        GenerationSettings engine,
        int maxNewTokens,
        String criterion,
        Double threshold,
        Double temperature,
        int topK,
        double topP,
        double minP,
        Long seed,
        RowPrompt prompt,
        int idColumn,
        List<OutputColumn> outputColumns,
        ErrorHandling errorHandling,
        Long totalStepsBudget) implements Serializable {

    boolean greedy() {
        return temperature == null || temperature == 0;
    }
}
