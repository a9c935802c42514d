package io.muninn.sql;

import static io.muninn.sql.MuninnModelOptions.*;

import io.muninn.flink.GenerationSettings;
import io.muninn.flink.InvalidSettingException;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.FixedSteps;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.scheduler.StepBudget;
import io.muninn.schemas.Generation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * Checks a muninn model's options and schemas when the model is planned, so that a wrong setting fails the
 * statement, not the running job. Every message names the model, the option (or column), the value and what is
 * allowed.
 */
final class ModelValidation {
    private ModelValidation() {}

    static ModelSettings validate(String modelName, ReadableConfig options, ResolvedSchema input, ResolvedSchema output) {
        String modelPath = options.get(MODEL_PATH);
        Path dir = Path.of(modelPath);
        if (!Files.isRegularFile(dir.resolve(ConfigReader.FILE_NAME))) {
            throw fail(modelName, MODEL_PATH, modelPath, "must be a model directory holding config.json, readable "
                    + "where the statement is planned and on every task manager; " + dir.resolve(ConfigReader.FILE_NAME)
                    + " does not exist");
        }
        ModelConfig config;
        try {
            config = ConfigReader.read(dir.resolve(ConfigReader.FILE_NAME));
        } catch (RuntimeException e) {
            throw fail(modelName, MODEL_PATH, modelPath, "cannot read its config.json: " + e.getMessage());
        }
        // the operator's builder checks and completes the engine's settings, as for a DataStream job; the path as
        // written: it is resolved again on each task manager, whose file system may differ from this one's
        GenerationSettings engine;
        try {
            engine = RecurrentDepthGeneration.builder()
                    .setModel(modelPath)
                    .setKvStrategy(options.get(KV_STRATEGY))
                    .setKvBudget(options.get(KV_BUDGET))
                    .setMaxSteps(options.get(MAX_STEPS))
                    .setMaxActiveSequences(options.get(MAX_ACTIVE_SEQUENCES))
                    .setMaxNewTokens(config.blockSize())
                    .setExitInPrefill(options.get(EXIT_IN_PREFILL))
                    .build()
                    .settings();
        } catch (InvalidSettingException e) {
            throw fail(modelName, MuninnModelOptions.forOperatorOption(e.option()), e.value(), e.problem());
        }
        int maxNewTokens = options.get(MAX_NEW_TOKENS);
        if (maxNewTokens < 1 || maxNewTokens > config.blockSize()) {
            throw fail(modelName, MAX_NEW_TOKENS, maxNewTokens,
                    "must be in [1, " + config.blockSize() + "] (the model's block size)");
        }
        String criterion = options.get(EXIT_CRITERION);
        if (!ExitCriterion.NAMES.contains(criterion)) {
            throw fail(modelName, EXIT_CRITERION, criterion, "must be one of " + ExitCriterion.NAMES);
        }
        Double threshold = options.getOptional(EXIT_THRESHOLD).orElse(null);
        if (threshold != null) {
            try {
                ExitCriterion.of(criterion, threshold);
            } catch (IllegalArgumentException e) {
                throw fail(modelName, EXIT_THRESHOLD, threshold, e.getMessage());
            }
        }
        Double temperature = options.getOptional(TEMPERATURE).orElse(null);
        int topK = options.get(TOP_K);
        double topP = options.get(TOP_P);
        double minP = options.get(MIN_P);
        if (temperature != null && temperature != 0) {
            try {
                SamplingParams.sampling(temperature, 0, 1.0, 0.0);
            } catch (IllegalArgumentException e) {
                throw fail(modelName, TEMPERATURE, temperature, e.getMessage() + " (not set or 0: greedy decoding)");
            }
        }
        checkFilter(modelName, TOP_K, topK, () -> SamplingParams.sampling(1.0, topK, 1.0, 0.0));
        checkFilter(modelName, TOP_P, topP, () -> SamplingParams.sampling(1.0, 0, topP, 0.0));
        checkFilter(modelName, MIN_P, minP, () -> SamplingParams.sampling(1.0, 0, 1.0, minP));

        List<String> columns = new ArrayList<>();
        List<LogicalType> types = new ArrayList<>();
        for (Column c : input.getColumns()) {
            columns.add(c.getName());
            types.add(c.getDataType().getLogicalType());
        }
        LogicalType[] typeArray = types.toArray(LogicalType[]::new);
        String template = options.getOptional(PROMPT_TEMPLATE).orElse(null);
        RowPrompt prompt;
        if (template == null) {
            if (columns.size() != 1 || !typeArray[0].is(LogicalTypeFamily.CHARACTER_STRING)) {
                throw new ValidationException(String.format("Model %s: the input schema %s needs '%s' (a prompt "
                                + "with {column} placeholders); without it the input must be one STRING column, e.g. "
                                + "INPUT (prompt STRING)", modelName, input, PROMPT_TEMPLATE.key()));
            }
            prompt = RowPrompt.column(columns, typeArray);
        } else {
            try {
                prompt = RowPrompt.template(template, columns, typeArray);
            } catch (IllegalArgumentException e) {
                throw new ValidationException(String.format("Model %s: %s", modelName, e.getMessage()));
            }
        }
        for (int i = 0; i < typeArray.length; i++) {
            LogicalType t = typeArray[i];
            if (!(t.is(LogicalTypeFamily.CHARACTER_STRING) || t.is(LogicalTypeFamily.NUMERIC)
                    || t.is(org.apache.flink.table.types.logical.LogicalTypeRoot.BOOLEAN))) {
                throw new ValidationException(String.format("Model %s: input column %s has type %s; allowed: STRING, "
                        + "a number or BOOLEAN", modelName, columns.get(i), t.asSummaryString()));
            }
        }
        int idColumn = -1;
        String id = options.getOptional(ID_COLUMN).orElse(null);
        if (id != null) {
            idColumn = columns.indexOf(id);
            if (idColumn < 0) {
                throw fail(modelName, ID_COLUMN, id, "must name an input column; allowed: " + columns);
            }
        }
        List<OutputColumn> outputs = outputColumns(modelName, output);
        return new ModelSettings(modelName, engine, maxNewTokens, criterion, threshold, temperature, topK, topP, minP,
                options.getOptional(SEED).orElse(null), prompt, idColumn, outputs, options.get(ERROR_HANDLING),
                stepsBudget(modelName, options,
                        engine.maxSteps() > 0 ? engine.maxSteps() : config.meanRecurrence(), maxNewTokens));
    }

    /**
     * The {@code total-steps-budget} option, checked by the model's budget rule ({@link StepBudget}) against the
     * policy a row runs under: min_steps as the wire's default, at most {@code maxSteps} steps a token.
     */
    private static Long stepsBudget(String model, ReadableConfig options, int maxSteps, int maxNewTokens) {
        Long budget = options.getOptional(TOTAL_STEPS_BUDGET).orElse(null);
        if (budget != null) {
            var rowPolicy = new ExitPolicy(new FixedSteps(), Generation.newBuilder().build().getMinSteps(), maxSteps, 1,
                    false);
            try {
                StepBudget.check(budget, rowPolicy, maxNewTokens);
            } catch (IllegalArgumentException e) {
                throw fail(model, TOTAL_STEPS_BUDGET, budget, e.getMessage());
            }
        }
        return budget;
    }

    private static List<OutputColumn> outputColumns(String modelName, ResolvedSchema output) {
        List<OutputColumn> outputs = new ArrayList<>();
        for (Column c : output.getColumns()) {
            OutputColumn known = OutputColumn.named(c.getName());
            LogicalType type = c.getDataType().getLogicalType();
            if (known == null || !known.accepts(type) || outputs.contains(known)) {
                String problem = known == null ? "is not an output of a muninn model"
                        : outputs.contains(known) ? "is declared twice" : "has type " + type.asSummaryString();
                throw new ValidationException(String.format("Model %s: output column %s %s; the output schema is any "
                        + "of %s, each at most once, in any order", modelName, c.getName(), problem,
                        OutputColumn.expectedSchema()));
            }
            outputs.add(known);
        }
        if (outputs.isEmpty()) {
            throw new ValidationException(String.format("Model %s: the output schema is empty; expected any of %s",
                    modelName, OutputColumn.expectedSchema()));
        }
        return List.copyOf(outputs);
    }

    private static void checkFilter(String model, ConfigOption<?> option, Object value, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw fail(model, option, value, e.getMessage());
        }
    }

    static ValidationException fail(String model, ConfigOption<?> option, Object value, String allowed) {
        return new ValidationException(String.format("Model %s: option '%s' = '%s' is invalid: %s", model,
                option.key(), value, allowed));
    }
}
