package io.muninn.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JinjaTrimTest {

    @Test
    void spaceIsExactlyPythonsIsspace() {
        List<Integer> spaces = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            if (JinjaTrim.isPythonSpace((char) c)) {
                spaces.add(c);
            }
        }

        // Python 3.11: [c for c in range(0x110000) if chr(c).isspace()]
        assertThat(spaces).containsExactly(
                0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
                0x2028, 0x2029, 0x202F, 0x205F, 0x3000);
    }

    @Test
    void trimsBothEndsOnly() {
        assertThat(JinjaTrim.trim("\u00A0 a \n b\u2007\t")).isEqualTo("a \n b");
        assertThat(JinjaTrim.trim(" \u200B ")).isEqualTo("\u200B");
        assertThat(JinjaTrim.trim(" \r\n ")).isEmpty();
        assertThat(JinjaTrim.trim("")).isEmpty();
    }
}
