package io.muninn.bench;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code muninn bench replay}: the time to rebuild a sequence's KV cache after a restore, by the lockstep replay
 * (model/README.md, "Replay") against re-running each forward call with its recorded exit step, for the same generated sequence.
 * Prints milliseconds side by side; asserts nothing.
 */
public final class ReplayBenchmark {
    private static final GreedySampler GREEDY = new GreedySampler();
    private ReplayBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> o = BenchArgs.parse(args, Map.of("--model", "model/src/test/resources/golden/tiny-random",
                "--prompt-length", "12", "--generated", "47", "--kv-strategy", "latest-m4", "--rounds", "3"));
        ModelWeights weights = WeightsLoader.load(Path.of(o.get("--model")));
        int promptLength = Integer.parseInt(o.get("--prompt-length"));
        int generated = Integer.parseInt(o.get("--generated"));
        var engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions(o.get("--kv-strategy"), 32, 256L << 20, 16));
        ExitPolicy policy = new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 32, 1, false);
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = (i * 7 + 3) % Math.min(90, weights.config().vocabSize());
        }
        System.out.printf(Locale.ROOT, "command: muninn bench replay %s%n", String.join(" ", args));
        System.out.println("| round | positions | mean exit step | lockstep ms | call by call ms | ratio |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int round = 0; round < Integer.parseInt(o.get("--rounds")); round++) {
            Sequence original = engine.newSequence(5, 1.0, false);
            StepEntry x = run(engine, engine.prefill(original, prompt, true, policy));
            int[] tokens = new int[generated];
            int[] steps = new int[generated + 1];
            steps[0] = x.exitStep();
            for (int i = 0; i < generated; i++) {
                tokens[i] = GREEDY.sample(x.lastLogits(), 0, 0);
                x = run(engine, engine.decode(original, tokens[i], policy));
                steps[i + 1] = x.exitStep();
            }
            engine.release(original);
            // a restore replays every generated token but the last, which is then decoded normally
            long t0 = System.nanoTime();
            Sequence lockstep = engine.newSequence(5, 1.0, false);
            engine.replayLockstep(lockstep, prompt, Arrays.copyOf(tokens, generated - 1), Arrays.copyOf(steps, generated), policy);
            long t1 = System.nanoTime();
            Sequence calls = engine.newSequence(5, 1.0, false);
            run(engine, engine.replayPrefill(calls, prompt, steps[0], policy));
            for (int i = 0; i < generated - 1; i++) {
                run(engine, engine.replayDecode(calls, tokens[i], steps[i + 1], policy));
            }
            long t2 = System.nanoTime();
            engine.release(lockstep);
            engine.release(calls);
            System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.0f | %.1f |%n", round, promptLength + generated - 1,
                    Arrays.stream(steps).skip(1).average().orElse(0), (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (double) (t2 - t1) / (t1 - t0));
        }
    }

    private static StepEntry run(RecurrentDepthEngine engine, StepEntry entry) {
        while (!entry.exited()) {
            engine.step(List.of(entry));
        }
        return entry;
    }
}
