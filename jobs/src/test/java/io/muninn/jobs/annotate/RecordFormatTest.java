package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordFormatTest {

    @Test
    void jsonLinesKeepStringsAndTheJsonTextOfOtherValues() {
        var f = new RecordFormat.JsonLines();
        assertThat(f.parse("{\"id\": \"a\", \"n\": 3, \"tags\": [1, 2], \"x\": null}"))
                .containsExactly(entry("id", "a"), entry("n", "3"), entry("tags", "[1,2]"), entry("x", ""));
        assertThat(f.skip("   ")).isTrue();
        assertThatThrownBy(() -> f.parse("[1, 2]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> f.parse("{\"id\": ")).hasMessageContaining("not valid JSON");
    }

    @Test
    void csvRowsFollowTheHeaderWithQuotedFields() {
        var f = new RecordFormat.Csv("id,question,note");
        assertThat(f.columns()).containsExactly("id", "question", "note");
        assertThat(f.parse("7,\"What is 2, plus 2?\",\"say \"\"four\"\"\""))
                .containsExactly(entry("id", "7"), entry("question", "What is 2, plus 2?"), entry("note", "say \"four\""));
        assertThat(f.skip("id,question,note")).isTrue();
        assertThatThrownBy(() -> f.parse("1,2")).hasMessage("CSV row has 2 fields but the header has 3 [id, question, note]");
        assertThatThrownBy(() -> f.parse("1,\"open,3")).hasMessageContaining("unclosed quote");
    }

    private static java.util.Map.Entry<String, String> entry(String k, String v) {
        return java.util.Map.entry(k, v);
    }
}
