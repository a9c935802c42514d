package io.muninn.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Records with every field set to a value other than its default, so a lost field shows in an equality check. */
public final class Fixtures {
    public static final List<String> CRITERIA =
            List.of("kl", "minp-kl", "entropy-diff", "latent-diff", "cosine", "argmax-stability", "none");

    private Fixtures() {
    }

    /** A chat request with every generation setting changed from its default. */
    public static PromptRequest fullRequest() {
        return PromptRequest.newBuilder()
                .setRequestId("req-1")
                .setInput(PromptInput.newBuilder()
                        .setMessages(List.of(new PromptMessage("system", "Be brief."),
                                new PromptMessage("user", "Why is the sky blue? \u00e9\u65e5")))
                        .build())
                .setGeneration(Generation.newBuilder()
                        .setMaxNewTokens(64)
                        .setCriterion("entropy-diff")
                        .setThreshold(2e-3)
                        .setMinSteps(2)
                        .setMaxSteps(24)
                        .setCheckEvery(2)
                        .setExitInPrefill(true)
                        .setSampling(Sampling.newBuilder()
                                .setGreedy(false)
                                .setTemperature(0.7)
                                .setTopK(40)
                                .setTopP(0.9)
                                .setMinP(0.05)
                                .setSeed(-1234567890123L)
                                .build())
                        .setWarmStart(true)
                        .setInitScale(0.5)
                        .setStopTokenIds(List.of(65505, 65508))
                        .build())
                .setDeadlineMs(1_700_000_000_000L)
                .setMetadata(Map.of("tenant", "acme", "trace", "t-9"))
                .build();
    }

    /** A text prompt with every generation setting at its default. */
    public static PromptRequest textRequest(String id, String prompt) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder().setPrompt(prompt).build())
                .build();
    }

    /** A request given as token ids, with every generation setting at its default. */
    public static PromptRequest tokenRequest(String id, List<Integer> tokenIds) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder().setTokenIds(tokenIds).build())
                .build();
    }

    public static TokenEvent tokenEvent() {
        return TokenEvent.newBuilder()
                .setRequestId("req-1")
                .setIndex(3)
                .setTokenId(1234)
                .setText(" sky")
                .setExitStep(7)
                .setExitReason(ExitReason.CONVERGED)
                .setCriterionValue(3.5e-4)
                .setEventTimeMs(1_700_000_000_123L)
                .build();
    }

    public static Completion completion() {
        return Completion.newBuilder()
                .setRequestId("req-1")
                .setText("Rayleigh scattering.")
                .setTokenIds(List.of(10, 20, 30))
                .setStepsPerToken(List.of(4, 32, 9))
                .setFinishReason(FinishReason.ERROR)
                .setErrorMessage("device lost")
                .setPromptTokens(17)
                .setGeneratedTokens(3)
                .setTotalSteps(45)
                .setMeanSteps(15.0)
                .setQueuedMs(5)
                .setFirstTokenMs(40L)
                .setTotalMs(120)
                .setCompletedAtMs(1_700_000_000_456L)
                .setMetadata(Map.of("tenant", "acme"))
                .build();
    }

    public static RejectedRecord rejectedRecord() {
        return RejectedRecord.newBuilder()
                .setSourceTopic("prompts")
                .setPartition(2)
                .setOffset(99L)
                .setRequestId("req-7")
                .setField("generation.max_new_tokens")
                .setReason("generation.max_new_tokens must be in [1, 4096] but was 0")
                .setPayload(ByteBuffer.wrap("{\"request_id\":\"req-7\"}".getBytes(StandardCharsets.UTF_8)))
                .setPayloadSize(22L)
                .setRejectedAtMs(1_700_000_000_789L)
                .build();
    }
}
