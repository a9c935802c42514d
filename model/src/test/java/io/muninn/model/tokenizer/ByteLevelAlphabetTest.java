package io.muninn.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelAlphabetTest {

    @Test
    void everyByteHasItsOwnVisibleCharacter() {
        Set<Character> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            assertThat(Character.isWhitespace(c) || Character.isISOControl(c)).as("byte %s", b).isFalse();
            chars.add(c);
        }
        assertThat(chars).hasSize(256);
    }

    @Test
    void printableLatin1StandsForItselfAndTheRestIsShiftedInOrder() {
        assertThat(ByteLevelAlphabet.charOf('!')).isEqualTo('!');
        assertThat(ByteLevelAlphabet.charOf(0xE9)).isEqualTo('é');
        assertThat(ByteLevelAlphabet.charOf(0x00)).isEqualTo('\u0100');
        assertThat(ByteLevelAlphabet.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevelAlphabet.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevelAlphabet.charOf(0xAD)).isEqualTo('Ń');
        assertThat(ByteLevelAlphabet.charOf(0x7F)).isEqualTo('ġ');
    }

    @Test
    void bytesOfReversesSpell() {
        byte[] bytes = "héllo 🙂\n中".getBytes(StandardCharsets.UTF_8);

        assertThat(ByteLevelAlphabet.spell(bytes)).isEqualTo("hÃ©lloĠðŁĻĤĊä¸Ń");
        assertThat(ByteLevelAlphabet.bytesOf(ByteLevelAlphabet.spell(bytes))).isEqualTo(bytes);
    }

    @Test
    void aTokenWithACharacterOutsideTheAlphabetStandsForItsOwnUtf8() {
        // The space is not in the alphabet, so "Ġ" is not mapped to 0x20 either: the decoder's rule.
        assertThat(ByteLevelAlphabet.bytesOf("<Ġend turn>")).isEqualTo("<Ġend turn>".getBytes(StandardCharsets.UTF_8));
        assertThat(ByteLevelAlphabet.bytesOf("<Ġpad>")).isEqualTo("< pad>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTestTokenizerSpellsByteIdsWithThisAlphabet() {
        MuninnTokenizer tokenizer = TestTokenizers.shared();
        for (int b = 0; b < 256; b++) {
            assertThat(tokenizer.token(b)).isEqualTo(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
    }
}
