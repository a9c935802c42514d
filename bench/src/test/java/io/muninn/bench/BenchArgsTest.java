package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Switches are spelled {@code --name} / {@code --no-name} as in the rest of the command line; the value form stays. */
class BenchArgsTest {
    private static final Map<String, String> DEFAULTS = Map.of("--exit-in-prefill", "false", "--sequences", "64");

    @Test
    void aSwitchAloneTurnsItOnAndItsNegationOff() {
        assertThat(BenchArgs.parse(new String[] {"--exit-in-prefill"}, DEFAULTS)).containsEntry("--exit-in-prefill", "true");
        assertThat(BenchArgs.parse(new String[] {"--no-exit-in-prefill"}, Map.of("--exit-in-prefill", "true")))
                .containsEntry("--exit-in-prefill", "false");
        assertThat(BenchArgs.parse(new String[] {"--exit-in-prefill", "--sequences", "8"}, DEFAULTS))
                .containsEntry("--exit-in-prefill", "true").containsEntry("--sequences", "8");
        assertThat(BenchArgs.parse(new String[0], DEFAULTS)).containsEntry("--exit-in-prefill", "false");
    }

    @Test
    void theOldValueFormStillWorks() {
        assertThat(BenchArgs.parse(new String[] {"--exit-in-prefill", "true", "--sequences", "8"}, DEFAULTS))
                .containsEntry("--exit-in-prefill", "true").containsEntry("--sequences", "8");
        assertThat(BenchArgs.parse(new String[] {"--exit-in-prefill", "false"}, Map.of("--exit-in-prefill", "true")))
                .containsEntry("--exit-in-prefill", "false");
    }

    @Test
    void theLastSpellingWins() {
        assertThat(BenchArgs.parse(new String[] {"--exit-in-prefill", "--no-exit-in-prefill"}, DEFAULTS))
                .containsEntry("--exit-in-prefill", "false");
    }

    @Test
    void negatingAValueOptionOrAnUnknownNameFailsNamingIt() {
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--no-sequences"}, DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--no-sequences'")
                .hasMessageContaining("--[no-]exit-in-prefill");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--sequences"}, DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sequences needs a value");
    }

    @Test
    void helpListsSwitchesInTheirNegatableForm() {
        assertThat(BenchArgs.help(DEFAULTS)).containsOnlyKeys("--[no-]exit-in-prefill", "--sequences");
    }
}
