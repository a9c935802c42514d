package io.muninn.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.checkpoint.TensorNames.Stack;
import org.junit.jupiter.api.Test;

class TensorNamesTest {
    @Test
    void namesTheModelLevelTensorsAsTheReferenceStateDict() {
        assertThat(TensorNames.EMBEDDING).isEqualTo("transformer.wte.weight");
        assertThat(TensorNames.ADAPTER).isEqualTo("transformer.adapter.weight");
        assertThat(TensorNames.LN_F).isEqualTo("transformer.ln_f.weight");
        assertThat(TensorNames.LM_HEAD).isEqualTo("lm_head.weight");
        assertThat(TensorNames.FREQS_CIS).isEqualTo("freqs_cis");
    }

    @Test
    void buildsBlockTensorNames() {
        assertThat(TensorNames.layer(Stack.PRELUDE, 0, TensorNames.NORM_1))
                .isEqualTo("transformer.prelude.0.norm_1.weight");
        assertThat(TensorNames.layer(Stack.PRELUDE, 1, TensorNames.QK_BIAS))
                .isEqualTo("transformer.prelude.1.attn.qk_bias");
        assertThat(TensorNames.layer(Stack.CORE, 3, TensorNames.WQKV))
                .isEqualTo("transformer.core_block.3.attn.Wqkv.weight");
        assertThat(TensorNames.layer(Stack.CORE, 0, TensorNames.ATTN_PROJ))
                .isEqualTo("transformer.core_block.0.attn.proj.weight");
        assertThat(TensorNames.layer(Stack.CODA, 1, TensorNames.MLP_FC)).isEqualTo("transformer.coda.1.mlp.fc.weight");
        assertThat(TensorNames.layer(Stack.CODA, 0, TensorNames.MLP_PROJ))
                .isEqualTo("transformer.coda.0.mlp.proj.weight");
    }

    @Test
    void listsABlocksNineParameters() {
        assertThat(TensorNames.LAYER_PARAMETERS).containsExactly("norm_1.weight", "norm_2.weight", "norm_3.weight",
                "norm_4.weight", "attn.qk_bias", "attn.Wqkv.weight", "attn.proj.weight", "mlp.fc.weight",
                "mlp.proj.weight");
    }

    @Test
    void refusesANegativeLayer() {
        assertThatThrownBy(() -> TensorNames.layer(Stack.CORE, -1, TensorNames.NORM_1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("layer must be >= 0 but was -1");
    }
}
