package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void fillsPlaceholdersAndKeepsEscapedBraces() {
        PromptTemplate t = new PromptTemplate("Q: {question} {{not a field}} ({ lang })");
        assertThat(t.fields()).containsExactly("question", "lang");
        assertThat(t.render(Map.of("question", "2+2?", "lang", "en"), "r1")).isEqualTo("Q: 2+2? {not a field} (en)");
    }

    @Test
    void aMissingFieldNamesTheFieldAndTheRecord() {
        PromptTemplate t = new PromptTemplate("{question}");
        assertThatThrownBy(() -> t.render(Map.of("title", "x"), "row-7"))
                .hasMessage("record row-7 has no field 'question' that the prompt template needs (it has [title])");
    }

    @Test
    void malformedTemplatesSayWhere() {
        assertThatThrownBy(() -> new PromptTemplate("Q: {question")).hasMessageContaining("unclosed '{' at character 3");
        assertThatThrownBy(() -> new PromptTemplate("a } b")).hasMessageContaining("unmatched '}' at character 2");
        assertThatThrownBy(() -> new PromptTemplate("x {} y")).hasMessageContaining("empty placeholder");
    }
}
