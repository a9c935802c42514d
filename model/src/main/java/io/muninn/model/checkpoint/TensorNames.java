package io.muninn.model.checkpoint;

import java.util.List;

/**
 * The state-dict keys of a Huginn checkpoint. Model-level tensors are constants; a block's tensors are
 * {@code <stack>.<layer>.<parameter>}, e.g. {@code layer(Stack.CORE, 3, WQKV)} is
 * {@code transformer.core_block.3.attn.Wqkv.weight}.
 */
public final class TensorNames {
    /** Token embedding (V, H). */
    public static final String EMBEDDING = "transformer.wte.weight";
    /** Adapter over {@code [state, embedding]} (H, 2H). */
    public static final String ADAPTER = "transformer.adapter.weight";
    /** Final RMSNorm, used after the core and after the coda (H). */
    public static final String LN_F = "transformer.ln_f.weight";
    /** Output head (V, H); absent or a copy of {@link #EMBEDDING} when tied. */
    public static final String LM_HEAD = "lm_head.weight";
    /** RoPE table buffer (1, block_size, 1, head_dim / 2, 2) with [..., 0] = cos, [..., 1] = sin; optional. */
    public static final String FREQS_CIS = "freqs_cis";

    /** RMSNorm before attention (H). */
    public static final String NORM_1 = "norm_1.weight";
    /** RMSNorm after the attention residual (H). */
    public static final String NORM_2 = "norm_2.weight";
    /** RMSNorm before the MLP (H). */
    public static final String NORM_3 = "norm_3.weight";
    /** RMSNorm after the MLP residual (H). */
    public static final String NORM_4 = "norm_4.weight";
    /** Additive q and k bias (2, 1, n_heads, head_dim); only when the config has {@code qk_bias}. */
    public static final String QK_BIAS = "attn.qk_bias";
    /** Fused q | k | v projection (3H, H). */
    public static final String WQKV = "attn.Wqkv.weight";
    /** Attention output projection (H, H). */
    public static final String ATTN_PROJ = "attn.proj.weight";
    /** Fused gate | up projection of the gated MLP (2I, H). */
    public static final String MLP_FC = "mlp.fc.weight";
    /** MLP down projection (H, I). */
    public static final String MLP_PROJ = "mlp.proj.weight";

    /** A block's parameters in the order the reference declares them. */
    public static final List<String> LAYER_PARAMETERS =
            List.of(NORM_1, NORM_2, NORM_3, NORM_4, QK_BIAS, WQKV, ATTN_PROJ, MLP_FC, MLP_PROJ);

    /** The three stacks of {@code SandwichBlock}s. */
    public enum Stack {
        PRELUDE,
        CORE,
        CODA;

        /** The key prefix, e.g. {@code transformer.core_block}. */
        public String prefix() {
            return switch (this) {
                case PRELUDE -> "transformer.prelude";
                case CORE -> "transformer.core_block";
                case CODA -> "transformer.coda";
            };
        }
    }

    private TensorNames() {}

    /** {@code <stack prefix>.<layer>.<parameter>}, e.g. {@code transformer.prelude.0.norm_1.weight}. */
    public static String layer(Stack stack, int layer, String parameter) {
        if (layer < 0) {
            throw new IllegalArgumentException("layer must be >= 0 but was " + layer);
        }
        return stack.prefix() + "." + layer + "." + parameter;
    }
}
