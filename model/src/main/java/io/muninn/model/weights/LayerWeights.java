package io.muninn.model.weights;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of one {@code SandwichBlock}, FP32, in PyTorch's {@code [out, in]} layout
 * ({@code y = x · Wᵀ}). Immutable once loaded.
 *
 * @param norm1   {@code norm_1.weight} (H)
 * @param norm2   {@code norm_2.weight} (H)
 * @param norm3   {@code norm_3.weight} (H)
 * @param norm4   {@code norm_4.weight} (H)
 * @param qBias   {@code attn.qk_bias[0]} flattened head-major (H); zeros when the config has no qk bias
 * @param kBias   {@code attn.qk_bias[1]} flattened head-major (H); zeros when the config has no qk bias
 * @param wqkv    {@code attn.Wqkv.weight} (3H, H), rows q | k | v
 * @param attnOut {@code attn.proj.weight} (H, H)
 * @param mlpFc   {@code mlp.fc.weight} (2I, H), rows gate | up
 * @param mlpOut  {@code mlp.proj.weight} (H, I)
 */
public record LayerWeights(
        INDArray norm1,
        INDArray norm2,
        INDArray norm3,
        INDArray norm4,
        INDArray qBias,
        INDArray kBias,
        INDArray wqkv,
        INDArray attnOut,
        INDArray mlpFc,
        INDArray mlpOut) {}
