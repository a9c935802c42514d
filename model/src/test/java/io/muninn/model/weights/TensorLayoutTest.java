package io.muninn.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.config.TinyConfigJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TensorLayoutTest {
    @Test
    void givesHuginn0125TheShapesOfSpecSection2_8() throws IOException {
        TensorLayout layout = TensorLayout.of(huginn());

        assertThat(layout.shape("freqs_cis")).containsExactly(1, 4096, 1, 48, 2);
        assertThat(layout.shape("transformer.wte.weight")).containsExactly(65536, 5280);
        assertThat(layout.shape("transformer.prelude.1.norm_3.weight")).containsExactly(5280);
        assertThat(layout.shape("transformer.core_block.3.attn.qk_bias")).containsExactly(2, 1, 55, 96);
        assertThat(layout.shape("transformer.core_block.0.attn.Wqkv.weight")).containsExactly(15840, 5280);
        assertThat(layout.shape("transformer.coda.1.attn.proj.weight")).containsExactly(5280, 5280);
        assertThat(layout.shape("transformer.coda.0.mlp.fc.weight")).containsExactly(35840, 5280);
        assertThat(layout.shape("transformer.prelude.0.mlp.proj.weight")).containsExactly(5280, 17920);
        assertThat(layout.shape("transformer.adapter.weight")).containsExactly(5280, 10560);
        assertThat(layout.shape("transformer.ln_f.weight")).containsExactly(5280);
        assertThat(layout.shape("lm_head.weight")).containsExactly(65536, 5280);
        assertThat(layout.names()).hasSize(1 + 8 * 9 + 1 + 1 + 1 + 1);
        assertThat(layout.contains("transformer.core_block.4.norm_1.weight")).isFalse();
    }

    @Test
    void countsHuginn0125sParametersAsSpecSection1() throws IOException {
        assertThat(TensorLayout.of(huginn()).parameterCount()).isEqualTo(3_564_976_800L);
    }

    @Test
    void listsNamesInTheReferenceDeclarationOrder() {
        TensorLayout layout = TensorLayout.of(ConfigReader.parse(TinyConfigJson.create().toString()));

        assertThat(layout.names().subList(0, 3)).containsExactly("transformer.wte.weight",
                "transformer.prelude.0.norm_1.weight", "transformer.prelude.0.norm_2.weight");
        assertThat(layout.names().get(10)).isEqualTo("transformer.adapter.weight");
        assertThat(layout.names().subList(38, 41))
                .containsExactly("transformer.ln_f.weight", "lm_head.weight", "freqs_cis");
    }

    @Test
    void tiedHeadAndRopeTableAreOptional() {
        TensorLayout layout = TensorLayout.of(ConfigReader.parse(TinyConfigJson.create().toString()));

        assertThat(layout.isRequired("lm_head.weight")).isFalse();
        assertThat(layout.isRequired("freqs_cis")).isFalse();
        assertThat(layout.isRequired("transformer.wte.weight")).isTrue();
        assertThat(layout.requiredNames()).hasSize(39).doesNotContain("lm_head.weight", "freqs_cis");
        assertThat(layout.parameterCount()).isEqualTo(2632);
    }

    @Test
    void untiedHeadIsRequiredAndCounted() {
        JsonObject json = TinyConfigJson.create();
        json.addProperty("tie_embeddings", false);
        TensorLayout layout = TensorLayout.of(ConfigReader.parse(json.toString()));

        assertThat(layout.isRequired("lm_head.weight")).isTrue();
        assertThat(layout.parameterCount()).isEqualTo(2632 + 128);
    }

    @Test
    void withoutQkBiasThereIsNoQkBiasTensor() {
        JsonObject json = TinyConfigJson.create();
        json.addProperty("qk_bias", false);
        TensorLayout layout = TensorLayout.of(ConfigReader.parse(json.toString()));

        assertThat(layout.names()).noneMatch(name -> name.endsWith("attn.qk_bias"));
        assertThat(layout.parameterCount()).isEqualTo(2632 - 4 * 16);
    }

    @Test
    void refusesAnUnknownName() {
        TensorLayout layout = TensorLayout.of(ConfigReader.parse(TinyConfigJson.create().toString()));

        assertThatThrownBy(() -> layout.shape("transformer.wpe.weight"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no tensor transformer.wpe.weight in this layout");
    }

    private static ModelConfig huginn() throws IOException {
        try (InputStream in = ConfigReader.class.getResourceAsStream("huginn-0125-config.json")) {
            return ConfigReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
