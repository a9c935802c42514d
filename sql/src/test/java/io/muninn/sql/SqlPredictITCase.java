package io.muninn.sql;

import static io.muninn.sql.SqlFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.flink.table.api.Expressions.$;

import io.muninn.flink.GenerationSettings;
import io.muninn.flink.LoadedModel;
import io.muninn.flink.RequestResolver;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.model.weights.SharedWeights;
import io.muninn.schemas.PromptRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Model;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.ColumnList;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ML_PREDICT over the bundled tiny model on a MiniCluster (one task manager, two slots): the answers and exit steps
 * equal the model's scheduler run on the same requests, async and sync agree, two parallel predict functions share
 * one engine and one copy of the weights, and the Table API's Model.predict gives the same rows.
 */
class SqlPredictITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final String QUERY = "SELECT id, answer, output_tokens, mean_steps, finish_reason, exit_steps "
            + "FROM ML_PREDICT(TABLE samples, MODEL m, DESCRIPTOR(id, cells)%s)";

    /** id -> "answer|finish|steps" for every row of a query. */
    static Map<String, String> results(StreamTableEnvironment t, String query) throws Exception {
        return results(t, t.sqlQuery(query));
    }

    static Map<String, String> results(StreamTableEnvironment t, Table table) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (CloseableIterator<Row> rows = table.execute().collect()) {
            while (rows.hasNext()) {
                Row r = rows.next();
                Integer[] steps = (Integer[]) r.getField("exit_steps");
                assertThat(r.<Integer>getFieldAs("output_tokens")).isEqualTo(steps.length);
                double mean = Arrays.stream(steps).mapToInt(Integer::intValue).average().orElse(0);
                assertThat(r.<Double>getFieldAs("mean_steps")).isEqualTo(mean);
                out.put(r.getFieldAs("id"), r.getField("answer") + "|" + r.getField("finish_reason") + "|"
                        + Arrays.toString(steps));
            }
        }
        return out;
    }

    @Test
    void answersEqualTheSchedulersAndTwoInstancesShareOneEngine(@TempDir java.nio.file.Path dir) throws Exception {
        StreamTableEnvironment t = tableEnv(2);
        samplesTable(t, splitSample(dir)); // two files: both instances read rows, so both are open while rows run
        t.executeSql(createModel("m", "id STRING, cells STRING", ANNOTATE_OPTIONS));
        ModelSettings settings = annotateSettings();
        GenerationSettings engine = settings.engine();
        long loadsBefore = SharedWeights.jvmWide().usage(MODEL).loads();
        int startsBefore = EngineRegistry.usage(engine)[0];

        Map<String, String> async = results(t, String.format(QUERY, ""));
        assertThat(EngineRegistry.usage(engine)[0]).as("engines started").isEqualTo(startsBefore + 1);
        assertThat(EngineRegistry.usage(engine)[1]).as("predict functions on the engine at once").isEqualTo(2);
        assertThat(SharedWeights.jvmWide().usage(MODEL).loads()).as("weight loads").isEqualTo(loadsBefore + 1);

        assertThat(async).hasSize(24).isEqualTo(expected(settings));
        Map<String, String> sync = results(t, String.format(QUERY, ", MAP['async', 'false']"));
        assertThat(sync).isEqualTo(async);
        Map<String, String> unordered = results(t, String.format(QUERY,
                ", MAP['output-mode', 'allow_unordered', 'max-concurrent-operations', '3', 'timeout', '10min']"));
        assertThat(unordered).isEqualTo(async);

        assertThat(tableApi(t)).isEqualTo(async);
    }

    /** The README's Table API example: ModelDescriptor + Model.predict, the same model and rows as the SQL above. */
    static Map<String, String> tableApi(StreamTableEnvironment t) throws Exception {
        t.createTemporaryModel("annotator", ModelDescriptor.forProvider("muninn")
                .inputSchema(Schema.newBuilder()
                        .column("id", DataTypes.STRING())
                        .column("cells", DataTypes.STRING())
                        .build())
                .outputSchema(Schema.newBuilder()
                        .column("answer", DataTypes.STRING())
                        .column("output_tokens", DataTypes.INT())
                        .column("mean_steps", DataTypes.DOUBLE())
                        .column("finish_reason", DataTypes.STRING())
                        .column("exit_steps", DataTypes.ARRAY(DataTypes.INT()))
                        .build())
                .option(MuninnModelOptions.MODEL_PATH, MODEL.toString())
                .option(MuninnModelOptions.PROMPT_TEMPLATE, "<|begin_text|>{cells}=")
                .option(MuninnModelOptions.ID_COLUMN, "id")
                .option(MuninnModelOptions.MAX_NEW_TOKENS, 4)
                .option(MuninnModelOptions.MAX_STEPS, 32)
                .build());
        Model model = t.fromModel("annotator");
        Table predictions = model.predict(t.from("samples"), ColumnList.of("id", "cells"));
        return results(t, predictions.select($("id"), $("answer"), $("output_tokens"), $("mean_steps"),
                $("finish_reason"), $("exit_steps")));
    }

    /** The same requests through the model's own scheduler, one sequence at a time, outside Flink. */
    static Map<String, String> expected(ModelSettings settings) throws Exception {
        Map<String, String> out = new TreeMap<>();
        List<String> lines = java.nio.file.Files.readAllLines(SAMPLE);
        try (LoadedModel model = LoadedModel.load(settings.engine())) {
            var resolver = new RequestResolver(model, settings.engine().maxNewTokens(), settings.engine().exitInPrefill());
            Map<String, SequenceOutcome> outcomes = new HashMap<>();
            var scheduler = new StepScheduler(model.engine, SchedulerOptions.defaults(), new GenerationListener() {
                @Override
                public void onToken(TokenOutput token) {}

                @Override
                public void onFinished(SequenceOutcome outcome) {
                    outcomes.put(outcome.requestId(), outcome);
                }
            }, model.tokenizer, System::currentTimeMillis);
            for (String line : lines) {
                var o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
                String id = o.get("id").getAsString();
                PromptRequest r = RowPredictor.request(settings, id, "<|begin_text|>" + o.get("cells").getAsString() + "=");
                scheduler.submit(resolver.sequence(r, resolver.promptTokens(r)));
                scheduler.runToCompletion();
                SequenceOutcome s = outcomes.get(id);
                out.put(id, model.tokenizer.decode(s.tokens(), true) + "|" + s.reason().name().toLowerCase() + "|"
                        + Arrays.toString(s.exitSteps()));
            }
        }
        return out;
    }

    /**
     * The settings the planner builds for {@code createModel("m", "id STRING, cells STRING", ANNOTATE_OPTIONS)}, with
     * {@code extraKeysAndValues} (key, value, key, value, ...) set too.
     */
    static ModelSettings annotateSettings(String... extraKeysAndValues) {
        var options = new org.apache.flink.configuration.Configuration();
        options.setString("model-path", MODEL.toString());
        options.setString("prompt-template", "<|begin_text|>{cells}=");
        options.setString("id-column", "id");
        options.setString("max-new-tokens", "4");
        options.setString("max-steps", "32");
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            options.setString(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return ModelValidation.validate("m", options,
                org.apache.flink.table.catalog.ResolvedSchema.of(
                        org.apache.flink.table.catalog.Column.physical("id", org.apache.flink.table.api.DataTypes.STRING()),
                        org.apache.flink.table.catalog.Column.physical("cells", org.apache.flink.table.api.DataTypes.STRING())),
                org.apache.flink.table.catalog.ResolvedSchema.of(java.util.Arrays.stream(OutputColumn.values())
                        .filter(c -> c != OutputColumn.PROMPT_TOKENS)
                        .map(c -> (org.apache.flink.table.catalog.Column) org.apache.flink.table.catalog.Column.physical(c.columnName(), c.type()))
                        .toList()));
    }
}
