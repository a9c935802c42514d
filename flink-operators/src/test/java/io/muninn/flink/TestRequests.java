package io.muninn.flink;

import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.Sampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Requests and settings for operator tests, on the golden tiny random model (H64, vocab 96, block 64); the jobs
 * module's tests share {@link #tokens}.
 */
public final class TestRequests {
    static final Path TINY_RANDOM = Path.of("../model/src/test/resources/golden/tiny-random").toAbsolutePath().normalize();

    private TestRequests() {}

    static RecurrentDepthGeneration.Builder tinyRandom() {
        if (!Files.exists(TINY_RANDOM.resolve("model.safetensors"))) {
            throw new IllegalStateException("the golden tiny model is missing at " + TINY_RANDOM);
        }
        return RecurrentDepthGeneration.builder().setModel(TINY_RANDOM).setMaxSteps(16).setMaxNewTokens(32);
    }

    /** The shipped tiny trained model (models/huginn-tiny-chains, byte-level vocabulary). */
    static final Path TINY_TRAINED = Path.of("../models/huginn-tiny-chains").toAbsolutePath().normalize();

    static RecurrentDepthGeneration.Builder tinyTrained() {
        if (!Files.exists(TINY_TRAINED.resolve("model.safetensors"))) {
            throw new IllegalStateException("the tiny trained model is missing at " + TINY_TRAINED);
        }
        return RecurrentDepthGeneration.builder().setModel(TINY_TRAINED).setMaxSteps(16).setMaxNewTokens(32);
    }

    static GenerationSettings settings(int maxActive) {
        return tinyRandom().setMaxActiveSequences(maxActive).build().settings();
    }

    /** A token-id request whose prompt, length, sampler and threshold vary with {@code i}, so exit steps spread. */
    static PromptRequest request(int i) {
        List<Integer> prompt = new ArrayList<>();
        prompt.add(90);
        for (int k = 0; k < 2 + i % 6; k++) {
            prompt.add((i * 31 + k * 17) % 88 + 1);
        }
        boolean greedy = i % 3 != 0;
        return PromptRequest.newBuilder()
                .setRequestId("req-" + i)
                .setInput(PromptInput.newBuilder().setTokenIds(prompt).build())
                .setGeneration(Generation.newBuilder()
                        .setMaxNewTokens(4 + i % 5)
                        .setCriterion("kl")
                        .setThreshold(i % 2 == 0 ? 5e-4 : 2e-3)
                        .setMaxSteps(16)
                        .setSampling(Sampling.newBuilder().setGreedy(greedy).setTemperature(0.8).setSeed(greedy ? null : (long) i).build())
                        .setStopTokenIds(List.of(95))
                        .build())
                .setMetadata(Map.of("n", Integer.toString(i)))
                .build();
    }

    /** A request for at most {@code maxNewTokens} tokens after these prompt token ids, at most 16 steps each. */
    public static PromptRequest tokens(String id, int maxNewTokens, Integer... tokens) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder().setTokenIds(Arrays.asList(tokens)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(maxNewTokens).setMaxSteps(16).build())
                .build();
    }
}
