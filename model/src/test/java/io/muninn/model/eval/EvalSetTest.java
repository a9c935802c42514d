package io.muninn.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.tokenizer.MuninnTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading eval sets: fields, ids checked against (or derived from) a tokenizer, messages naming line and field. */
class EvalSetTest {
    /** The byte-level test tokenizer: bytes are ids 0..255, <|end_text|> is 279. */
    private static final Path TOKENIZER = Path.of("src/test/resources/tokenizer/byte-level-bpe");

    private static MuninnTokenizer tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = MuninnTokenizer.load(TOKENIZER);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private Path write(String... lines) throws IOException {
        return Files.writeString(dir.resolve("eval.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void readsTheFieldsTasksPyWrites() throws IOException {
        Path file = write(
                "{\"prompt\": \"a=1;?a=\", \"answer\": \"1\", \"difficulty\": 1, \"prompt_ids\": [97, 61, 49, 59, 63, 97, 61], \"answer_ids\": [49, 279]}",
                "",
                "{\"prompt\": \"b=a;a=2;?b=\", \"answer\": \"2\", \"difficulty\": 2, \"prompt_ids\": [98], \"answer_ids\": [50, 279]}");
        List<EvalExample> examples = EvalSet.read(file);
        assertThat(examples).hasSize(2);
        assertThat(examples.get(0).promptIds()).containsExactly(97, 61, 49, 59, 63, 97, 61);
        assertThat(examples.get(1)).extracting(EvalExample::line, EvalExample::difficulty, EvalExample::answerIds)
                .containsExactly(3, 2, new int[] {50, 279});
    }

    @Test
    void idsAreCheckedAgainstTheTokenizerAndDerivedWhereMissing() throws IOException {
        Path file = write(
                "{\"prompt\": \"a=1;?a=\", \"answer\": \"1\", \"difficulty\": 1, \"prompt_ids\": [97, 61, 49, 59, 63, 97, 61], \"answer_ids\": [49, 279]}",
                "{\"prompt\": \"?a=\", \"answer\": \"7\", \"difficulty\": 1}");
        List<EvalExample> examples = EvalSet.read(file, tokenizer);

        assertThat(examples.get(1).promptIds()).containsExactly(tokenizer.encode("?a="));
        assertThat(examples.get(1).answerIds()).containsExactly(55, 279);
    }

    @Test
    void idsThatDifferFromTheTokenizersFailNamingTheLine() throws IOException {
        Path file = write(
                "{\"prompt\": \"?a=\", \"answer\": \"7\", \"difficulty\": 1, \"prompt_ids\": [63, 97, 61], \"answer_ids\": [55, 279]}",
                "{\"prompt\": \"?a=\", \"answer\": \"7\", \"difficulty\": 1, \"prompt_ids\": [63, 97, 61], \"answer_ids\": [56, 282]}");
        assertThatThrownBy(() -> EvalSet.read(file, tokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2 has answer_ids [56, 282] but the model's tokenizer encodes the answer as [55, 282]");
        Path prompt = write("{\"prompt\": \"?a=\", \"answer\": \"7\", \"difficulty\": 1, \"prompt_ids\": [63, 97], \"answer_ids\": [55]}");
        assertThatThrownBy(() -> EvalSet.read(prompt, tokenizer))
                .hasMessageContaining("line 1 has prompt_ids [63, 97] but the model's tokenizer encodes the prompt as [63, 97, 61]");
    }

    @Test
    void malformedLinesNameFileLineAndField() throws IOException {
        assertThatThrownBy(() -> EvalSet.read(write("{\"prompt\": \"x\", \"answer\": \"1\", \"prompt_ids\": [1], \"answer_ids\": [2]}")))
                .hasMessageContaining("eval.jsonl line 1 needs an integer field 'difficulty'");
        assertThatThrownBy(() -> EvalSet.read(write("{\"prompt\": \"x\", \"answer\": \"1\", \"difficulty\": 1, \"answer_ids\": [2]}")))
                .hasMessageContaining("line 1 needs an integer array 'prompt_ids'");
        assertThatThrownBy(() -> EvalSet.read(write("{\"prompt\": \"x\", \"answer\": \"1\", \"difficulty\": 1, \"prompt_ids\": [\"a\"], \"answer_ids\": [2]}")))
                .hasMessageContaining("line 1 has 'prompt_ids[0]' = \"a\", not a token id");
        assertThatThrownBy(() -> EvalSet.read(write("not json")))
                .hasMessageContaining("line 1 is not a JSON object");
        assertThatThrownBy(() -> EvalSet.read(write("")))
                .hasMessageContaining("holds no examples");
    }
}
