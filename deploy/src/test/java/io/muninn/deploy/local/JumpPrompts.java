package io.muninn.deploy.local;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RequestSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Prompts of the bundled model's jump task (its eval set, as token ids) and their failure-free outputs. */
final class JumpPrompts {
    /** The job's step cap in these tests: 8 instead of the eval's 32 keeps the prompts' prefill cheap on CI. */
    static final int MAX_STEPS = 8;

    private JumpPrompts() {}

    /** A completed sequence: its tokens and each token's exit step. */
    record Output(List<Integer> tokens, List<Integer> steps) {}

    static List<PromptRequest> load(Path model, String prefix, int count) throws IOException {
        List<String> lines = Files.readAllLines(model.resolve("eval.jsonl"));
        List<PromptRequest> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonObject e = JsonParser.parseString(lines.get(i % lines.size())).getAsJsonObject();
            List<Integer> ids = new ArrayList<>();
            e.getAsJsonArray("prompt_ids").forEach(x -> ids.add(x.getAsInt()));
            out.add(PromptRequest.newBuilder()
                    .setRequestId(prefix + i)
                    .setInput(PromptInput.newBuilder().setTokenIds(ids).build())
                    .setGeneration(Generation.newBuilder().setMaxNewTokens(4).build())
                    .build());
        }
        return out;
    }

    /**
     * The outputs of an uninterrupted run: the same requests through the step scheduler in this JVM, with the
     * parameters the operator derives from them (kl exit at its default threshold, the job's step cap, greedy).
     */
    static Map<String, Output> reference(Path model, List<PromptRequest> requests) {
        ModelWeights weights = WeightsLoader.load(model);
        var engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), EngineOptions.defaults(MAX_STEPS));
        Map<String, Output> out = new HashMap<>();
        var scheduler = new StepScheduler(engine, SchedulerOptions.defaults(), new GenerationListener() {
            @Override
            public void onToken(TokenOutput token) {}

            @Override
            public void onFinished(SequenceOutcome o) {
                out.put(o.requestId(), new Output(boxed(o.tokens()), boxed(o.exitSteps())));
            }
        }, null, System::currentTimeMillis);
        for (PromptRequest r : requests) {
            Generation g = r.getGeneration();
            var policy = new ExitPolicy(ExitCriterion.withDefaultThreshold(g.getCriterion()), g.getMinSteps(), MAX_STEPS,
                    g.getCheckEvery(), exitInPrefill(g));
            var params = new GenerationParams(g.getMaxNewTokens(), policy, SamplingParams.greedyDecoding().toSampler(),
                    RequestSeeds.seedOf(r), g.getInitScale(), g.getWarmStart(),
                    new HashSet<>(weights.config().eosTokenIds()));
            int[] prompt = r.getInput().getTokenIds().stream().mapToInt(Integer::intValue).toArray();
            scheduler.submit(SequenceRequest.of(r.getRequestId(), prompt, params));
        }
        scheduler.runToCompletion();
        return out;
    }

    /** As the operator decides under the default muninn.exit-in-prefill (GenerationSettings.exitInPrefill). */
    private static boolean exitInPrefill(Generation g) {
        return g.getPrefillExit() != null ? g.getPrefillExit() : g.getExitInPrefill() || ExitPolicy.DEFAULT_EXIT_IN_PREFILL;
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }
}
