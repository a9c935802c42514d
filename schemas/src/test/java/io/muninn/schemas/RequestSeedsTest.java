package io.muninn.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestSeedsTest {

    /** Vectors from Python: int.from_bytes(hashlib.sha256(rid.encode("utf-8")).digest()[:8], "big", signed=True). */
    @Test
    void derivedSeedMatchesTheDocumentedDefinition() {
        assertThat(RequestSeeds.fromRequestId("")).isEqualTo(-2039914840885289964L);
        assertThat(RequestSeeds.fromRequestId("r1")).isEqualTo(-9010601390311183475L);
        assertThat(RequestSeeds.fromRequestId("request-42")).isEqualTo(-3119746399924829480L);
        assertThat(RequestSeeds.fromRequestId("h\u00e9llo")).isEqualTo(4343819824053979717L);
        assertThat(RequestSeeds.fromRequestId("\u65e5\u672c")).isEqualTo(-3518790099034495285L);
    }

    @Test
    void anExplicitSeedWinsOverTheDerivedOne() {
        PromptRequest request = Fixtures.fullRequest();

        assertThat(RequestSeeds.seedOf(request)).isEqualTo(-1234567890123L);
    }

    @Test
    void withoutASeedTheRequestIdDecides() {
        PromptRequest request = Fixtures.textRequest("r1", "Hello");

        assertThat(request.getGeneration().getSampling().getSeed()).isNull();
        assertThat(RequestSeeds.seedOf(request)).isEqualTo(-9010601390311183475L);
    }

    @Test
    void aNullRequestIdHasNoSeed() {
        assertThatThrownBy(() -> RequestSeeds.fromRequestId(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("request_id must not be null to derive a seed from it");
    }
}
