package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordFormatTest {

    @Test
    void jsonLinesKeepStringsAndTheJsonTextOfOtherValues() {
        assertThat(RecordFormat.fields("{\"id\": \"a\", \"n\": 3, \"tags\": [1, 2], \"x\": null}"))
                .containsExactly(entry("id", "a"), entry("n", "3"), entry("tags", "[1,2]"), entry("x", ""));
        assertThatThrownBy(() -> RecordFormat.fields("[1, 2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> RecordFormat.fields("{\"id\": ")).hasMessageContaining("not valid JSON");
    }

    private static java.util.Map.Entry<String, String> entry(String k, String v) {
        return java.util.Map.entry(k, v);
    }
}
