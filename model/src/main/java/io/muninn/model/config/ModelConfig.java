package io.muninn.model.config;

import java.util.List;

/**
 * The blueprint of a recurrent-depth model, read from a checkpoint's {@code config.json} with Huginn's field names
 *. Immutable; every value is validated in the compact constructor so an engine never sees a nonsensical
 * layout. {@link ConfigReader} parses the JSON and refuses unsupported values by field name.
 *
 * @param modelType            {@code model_type}, e.g. {@code huginn_raven}
 * @param hiddenSize           {@code n_embd}
 * @param numHeads             {@code n_heads}
 * @param numKeyValueHeads     {@code num_key_value_heads}; must equal {@code n_heads} (no GQA in this family)
 * @param preludeLayers        {@code n_layers_in_prelude} (P)
 * @param coreLayers           {@code n_layers_in_recurrent_block} (R)
 * @param codaLayers           {@code n_layers_in_coda} (C)
 * @param intermediateSize     {@code intermediate_size} of the gated MLP
 * @param vocabSize            {@code padded_vocab_size} if present, else {@code vocab_size}: rows of the embedding
 * @param blockSize            {@code block_size}: maximum positions
 * @param tieEmbeddings        {@code tie_embeddings}
 * @param qkBias               {@code qk_bias}
 * @param normEps              {@code norm_eps}
 * @param ropeBase             {@code rope_base} (theta)
 * @param meanRecurrence       {@code mean_recurrence}: default number of core iterations
 * @param initStd              {@code init_values.std}, default {@code sqrt(2 / (5 * n_embd))}
 * @param embedScale           {@code init_values.embed_scale}, default {@code sqrt(n_embd)}
 * @param bosTokenId           {@code bos_token_id}
 * @param eosTokenIds          {@code eos_token_id} (one id or a list)
 * @param padTokenId           {@code pad_token_id}
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int numHeads,
        int numKeyValueHeads,
        int preludeLayers,
        int coreLayers,
        int codaLayers,
        int intermediateSize,
        int vocabSize,
        int blockSize,
        boolean tieEmbeddings,
        boolean qkBias,
        double normEps,
        double ropeBase,
        int meanRecurrence,
        double initStd,
        double embedScale,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int padTokenId) {

    public ModelConfig {
        positive("n_embd", hiddenSize);
        positive("n_heads", numHeads);
        if (hiddenSize % numHeads != 0) {
            throw new ConfigException("n_embd (%s) must be divisible by n_heads (%s)", hiddenSize, numHeads);
        }
        if (headDimOf(hiddenSize, numHeads) % 2 != 0) {
            throw new ConfigException(
                    "head_dim = n_embd / n_heads must be even for interleaved RoPE but was %s",
                    headDimOf(hiddenSize, numHeads));
        }
        if (numKeyValueHeads != numHeads) {
            throw new ConfigException(
                    "num_key_value_heads must equal n_heads (%s) but was %s: grouped-query attention is not part of"
                            + " this model family", numHeads, numKeyValueHeads);
        }
        positive("n_layers_in_prelude", preludeLayers);
        positive("n_layers_in_recurrent_block", coreLayers);
        positive("n_layers_in_coda", codaLayers);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        positive("block_size", blockSize);
        positive("mean_recurrence", meanRecurrence);
        if (!(normEps > 0) || Double.isInfinite(normEps)) {
            throw new ConfigException("norm_eps must be a positive finite number but was %s", normEps);
        }
        if (!(ropeBase > 1) || Double.isInfinite(ropeBase)) {
            throw new ConfigException("rope_base must be a finite number > 1 but was %s", ropeBase);
        }
        if (!(initStd >= 0) || Double.isInfinite(initStd)) {
            throw new ConfigException("init_values.std must be a finite number >= 0 but was %s", initStd);
        }
        if (!(embedScale > 0) || Double.isInfinite(embedScale)) {
            throw new ConfigException("init_values.embed_scale must be a positive finite number but was %s", embedScale);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        for (int id : eosTokenIds) {
            tokenId("eos_token_id", id, vocabSize);
        }
        tokenId("bos_token_id", bosTokenId, vocabSize);
        tokenId("pad_token_id", padTokenId, vocabSize);
    }

    /** {@code head_dim = n_embd / n_heads}. */
    public int headDim() {
        return headDimOf(hiddenSize, numHeads);
    }

    /** Prelude + R iterations of the core + coda, as the reference's {@code effective_expected_depth}. */
    public int effectiveDepth(int iterations) {
        return preludeLayers + coreLayers * iterations + codaLayers;
    }

    private static int headDimOf(int hidden, int heads) {
        return hidden / heads;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new ConfigException("%s must be > 0 but was %s", field, value);
        }
    }

    private static void tokenId(String field, int id, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new ConfigException("%s must be in [0, %s) but was %s", field, vocab, id);
        }
    }
}
