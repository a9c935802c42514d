package io.muninn.model.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvStrategyTest {

    @Test
    void parsesTheReferenceNames() {
        assertThat(KvStrategy.parse("full", 4)).isEqualTo(new KvStrategy("full", KvLookup.EXISTING, new SlotSharing.None()));
        assertThat(KvStrategy.parse("skip", 4).lookup()).isEqualTo(KvLookup.EXISTING);
        assertThat(KvStrategy.parse("latest-m4", 4).lookup()).isEqualTo(KvLookup.LATEST);
        assertThat(KvStrategy.parse("available-m4", 4).lookup()).isEqualTo(KvLookup.LATEST);
        assertThat(KvStrategy.parse("always-last-m4", 4).lookup()).isEqualTo(KvLookup.ALWAYS_LAST);
        assertThat(KvStrategy.parse("compress-s4", 4)).isEqualTo(
                new KvStrategy("compress-s4", KvLookup.EXISTING, new SlotSharing.Modulo(4)));
        assertThat(KvStrategy.parse("latest-m4-compress-s16", 4)).isEqualTo(
                new KvStrategy("latest-m4-compress-s16", KvLookup.LATEST, new SlotSharing.Modulo(16)));
        assertThat(KvStrategy.parse("compress-r2", 4).sharing()).isEqualTo(new SlotSharing.Grouped(2));
        assertThat(KvStrategy.parse("latest-m4-compress-anchor", 4).sharing()).isEqualTo(new SlotSharing.Anchor());
    }

    @Test
    void modulusNamesTheCoreBlockOfAnyLayout() {
        assertThat(KvStrategy.parse("latest-m3", 3).lookup()).isEqualTo(KvLookup.LATEST);
        assertThat(KvStrategy.parse("latest-m4", 3).lookup()).isEqualTo(KvLookup.LATEST);
        assertThatThrownBy(() -> KvStrategy.parse("latest-m5", 3))
                .hasMessageStartingWith("kv strategy 'latest-m5' is not valid (-m5 must name the core block length: -m3 for this model (3 core layers), or -m4 as the reference spells it)");
    }

    @Test
    void refusesUnknownNamesListingTheAcceptedOnes() {
        assertThatThrownBy(() -> KvStrategy.parse("randomized", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kv strategy 'randomized' is not valid (unknown strategy); accepted: a lookup of full, skip,");
        assertThatThrownBy(() -> KvStrategy.parse("latest-m4-compress-q3", 4))
                .hasMessageContaining("(unrecognised part 'compress-q3')");
        assertThatThrownBy(() -> KvStrategy.parse("compress-s0", 4))
                .hasMessageContaining("the compression size must be > 0 but was 0");
        assertThatThrownBy(() -> KvStrategy.parse("", 4)).hasMessageContaining("(empty name)");
    }
}
