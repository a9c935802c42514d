package io.muninn.sql;

import static io.muninn.sql.SqlFixtures.MODEL;
import static io.muninn.sql.SqlFixtures.OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wrong option and schema fails when the statement is planned (no job runs), with a message that names the
 * option or column, the value and what is allowed.
 */
class SqlModelValidationTest {
    private static TableEnvironment t;

    @BeforeAll
    static void planner() {
        t = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        t.executeSql("CREATE TEMPORARY VIEW input_rows AS SELECT * FROM (VALUES ('r1', 'abc', 7)) AS v(id, prompt, n)");
    }

    private static int models;

    /** Plans ML_PREDICT over a model with {@code options}; returns the whole cause chain's messages. */
    static String plan(String input, String output, String options, String descriptor) {
        String name = "m" + models++;
        t.executeSql("CREATE TEMPORARY MODEL " + name + " INPUT (" + input + ") " + output
                + " WITH ('provider' = 'muninn'" + (options.isEmpty() ? "" : ", " + options) + ")");
        t.explainSql("SELECT * FROM ML_PREDICT(TABLE input_rows, MODEL " + name + ", DESCRIPTOR(" + descriptor + "))");
        return "planned";
    }

    static String failure(String input, String output, String options, String descriptor) {
        Throwable thrown = null;
        try {
            plan(input, output, options, descriptor);
        } catch (Throwable e) {
            thrown = e;
        }
        assertThat(thrown).as("planning with %s", options).isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable c = thrown; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    static final String PATH = "'model-path' = '" + MODEL + "'";

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of("", new String[] {"model-path"}),
                Arguments.of(PATH + ", 'colour' = 'red'", new String[] {"colour"}),
                Arguments.of("'model-path' = '/no/such/model'", new String[] {"'model-path' = '/no/such/model'", "config.json"}),
                Arguments.of(PATH + ", 'kv.strategy' = 'bogus'", new String[] {"'kv.strategy' = 'bogus'", "latest-m4"}),
                Arguments.of(PATH + ", 'kv.budget' = '0b'", new String[] {"'kv.budget' = '0'", ">= 1"}),
                Arguments.of(PATH + ", 'max-steps' = '-1'", new String[] {"'max-steps' = '-1'", ">= 0", "mean_recurrence"}),
                Arguments.of(PATH + ", 'max-active-sequences' = '0'", new String[] {"'max-active-sequences' = '0'", ">= 1"}),
                Arguments.of(PATH + ", 'max-new-tokens' = '0'", new String[] {"'max-new-tokens' = '0'", "[1, 256]"}),
                Arguments.of(PATH + ", 'max-new-tokens' = '1000'", new String[] {"'max-new-tokens' = '1000'", "[1, 256]", "block size"}),
                Arguments.of(PATH + ", 'exit.criterion' = 'vibes'", new String[] {"'exit.criterion' = 'vibes'", "kl"}),
                Arguments.of(PATH + ", 'exit.threshold' = '-1'", new String[] {"'exit.threshold' = '-1.0'", "threshold"}),
                Arguments.of(PATH + ", 'temperature' = '-0.5'", new String[] {"'temperature' = '-0.5'", "greedy"}),
                Arguments.of(PATH + ", 'top-k' = '-1'", new String[] {"'top-k' = '-1'", ">= 0"}),
                Arguments.of(PATH + ", 'top-p' = '0'", new String[] {"'top-p' = '0.0'", "(0, 1]"}),
                Arguments.of(PATH + ", 'min-p' = '1'", new String[] {"'min-p' = '1.0'", "[0, 1)"}),
                Arguments.of(PATH + ", 'id-column' = 'key'", new String[] {"'id-column' = 'key'", "[prompt]"}),
                Arguments.of(PATH + ", 'error-handling' = 'ignore'", new String[] {"error-handling", "ignore", "REJECT", "FAIL"}),
                Arguments.of(PATH + ", 'prompt-template' = 'Q: {question}'", new String[] {"prompt-template", "{question}", "[prompt]"}),
                Arguments.of(PATH + ", 'prompt-template' = 'Q: {prompt'", new String[] {"prompt-template", "unclosed"}),
                Arguments.of(PATH + ", 'prompt-template' = 'no placeholder'", new String[] {"prompt-template", "no {column}"}),
                // every token runs at least one step (min_steps 0), so a budget below max-new-tokens cannot be spent
                Arguments.of(PATH + ", 'max-new-tokens' = '8', 'total-steps-budget' = '7'", new String[] {
                        "'total-steps-budget' = '7'", "total_steps_budget must be >= 8", "max_new_tokens 8", "was 7"}),
                Arguments.of(PATH + ", 'max-new-tokens' = '2', 'total-steps-budget' = '-1'", new String[] {
                        "'total-steps-budget' = '-1'", "total_steps_budget must be >= 2"}));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void aBadOptionFailsAtPlanningNamingItsValueAndWhatIsAllowed(String options, String[] expected) {
        assertThat(failure("prompt STRING", OUTPUT, options, "prompt")).contains(expected);
    }

    @Test
    void severalInputColumnsNeedATemplateAndTheMessageShowsTheExpectedSchema() {
        assertThat(failure("id STRING, prompt STRING", OUTPUT, PATH, "id, prompt"))
                .contains("prompt-template", "INPUT (prompt STRING)", "`id` STRING");
        assertThat(failure("n INT", OUTPUT, PATH, "n")).contains("one STRING column", "INPUT (prompt STRING)");
    }

    @Test
    void aWrongOutputSchemaFailsShowingTheExpectedOne() {
        String expected = "OUTPUT (answer STRING, output_tokens INT, mean_steps DOUBLE, finish_reason STRING, "
                + "exit_steps ARRAY<INT>, prompt_tokens INT)";
        assertThat(failure("prompt STRING", "OUTPUT (answer STRING, score DOUBLE)", PATH, "prompt"))
                .contains("output column score is not an output", expected);
        assertThat(failure("prompt STRING", "OUTPUT (answer INT)", PATH, "prompt"))
                .contains("output column answer has type INT", expected);
        assertThat(failure("prompt STRING", "OUTPUT (exit_steps ARRAY<STRING>)", PATH, "prompt"))
                .contains("output column exit_steps has type ARRAY<STRING>", expected);
    }

    @Test
    void aGoodModelPlans() {
        assertThat(plan("id STRING, prompt STRING, n INT", "OUTPUT (finish_reason STRING, answer STRING)",
                PATH + ", 'prompt-template' = '{{{id}}} {prompt} {n}', 'id-column' = 'id', 'temperature' = '0.7', "
                        + "'top-k' = '5', 'seed' = '42', 'error-handling' = 'fail', 'max-new-tokens' = '8', "
                        + "'total-steps-budget' = '8'", "id, prompt, n")).isEqualTo("planned");
    }
}
