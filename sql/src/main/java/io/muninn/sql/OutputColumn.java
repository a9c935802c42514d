package io.muninn.sql;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The columns a muninn model's OUTPUT may declare: any of these, each once, in any order. The predict function
 * fills them by name from a row's {@link RowResult}.
 */
public enum OutputColumn {
    ANSWER(DataTypes.STRING()),
    OUTPUT_TOKENS(DataTypes.INT()),
    MEAN_STEPS(DataTypes.DOUBLE()),
    FINISH_REASON(DataTypes.STRING()),
    EXIT_STEPS(DataTypes.ARRAY(DataTypes.INT())),
    PROMPT_TOKENS(DataTypes.INT());

    private final DataType type;

    OutputColumn(DataType type) {
        this.type = type;
    }

    public String columnName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public DataType type() {
        return type;
    }

    /** Whether a declared column type matches, ignoring nullability (STRING: any VARCHAR). */
    boolean accepts(LogicalType declared) {
        LogicalType want = type.getLogicalType();
        if (want instanceof ArrayType a) {
            return declared instanceof ArrayType d && d.getElementType().is(a.getElementType().getTypeRoot());
        }
        return declared.is(want.getTypeRoot());
    }

    /** The column's value for {@code r}, as Flink's internal data structures. */
    Object value(RowResult r) {
        return switch (this) {
            case ANSWER -> StringData.fromString(r.answer());
            case OUTPUT_TOKENS -> r.exitSteps().length;
            case MEAN_STEPS -> r.meanSteps();
            case FINISH_REASON -> StringData.fromString(r.finishReason());
            case EXIT_STEPS -> new GenericArrayData(r.exitSteps().clone());
            case PROMPT_TOKENS -> r.promptTokens();
        };
    }

    /** The expected OUTPUT clause, for error messages. */
    public static String expectedSchema() {
        return Arrays.stream(values())
                .map(c -> c.columnName() + " " + c.type.getLogicalType().copy(true).asSummaryString()
                        .replace("VARCHAR(2147483647)", "STRING"))
                .collect(Collectors.joining(", ", "OUTPUT (", ")"));
    }

    static OutputColumn named(String name) {
        for (OutputColumn c : values()) {
            if (c.columnName().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
