package io.muninn.bench;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.KlDivergenceExit;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kernel.StepTimer.Part;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code muninn bench core-step --breakdown}: where a decode step's time goes. Each row count runs steps of decode
 * rows on a Huginn-shaped random model (2/4/2 layers, head dim 64, MLP 3.5 x hidden, vocabulary 65,536) whose KL
 * check runs after every step and never fires, so every step pays the core iteration and the exit check (coda,
 * head, criterion), as a KL-exit step does. The engine's {@link StepTimer} splits the wall time into parts.
 */
final class CoreStepBreakdown {
    static final int CONTEXT = 16;
    static final int VOCAB = 65_536;

    private CoreStepBreakdown() {}

    static void run(int[] rowsList, int[] hiddenList, int steps) {
        System.out.println("command: muninn bench core-step --breakdown --rows ... --hidden ... --steps " + steps);
        System.out.printf("machine: %d cores, OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s, matrix products: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"), System.getenv("OMP_WAIT_POLICY"),
                Nd4jKernels.MatrixProducts.configured());
        List<String> header = new ArrayList<>();
        for (Part p : Part.values()) {
            header.add(p.label());
        }
        System.out.println("| hidden | rows | ms per step | " + String.join(" | ", header) + " | the rest |");
        System.out.println("|---:|---:|---:|" + "---:|".repeat(header.size() + 1));
        for (int hidden : hiddenList) {
            ModelConfig config = RandomWeights.config(hidden, VOCAB, 4096, 32);
            var weights = RandomWeights.create(config, 7, 0.02);
            for (int rows : rowsList) {
                System.out.println(row(config, weights, hidden, rows, steps));
            }
        }
    }

    private static String row(ModelConfig config, io.muninn.model.weights.ModelWeights weights, int hidden, int rows, int steps) {
        int cap = 1 << 20; // compress-s4 keeps one slot per core layer, so the step cap costs no memory
        long budget = RecurrentDepthEngine.kvBytesFor(config, "compress-s4", cap, 16, CONTEXT + 1) * rows;
        RecurrentDepthEngine engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions("compress-s4", cap, budget, 16));
        ExitPolicy never = new ExitPolicy(new KlDivergenceExit(Double.MIN_VALUE), 0, cap, 1, false);
        List<StepEntry> entries = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            Sequence seq = engine.newSequence(r, 1.0, false);
            int[] prompt = new int[CONTEXT];
            for (int i = 0; i < CONTEXT; i++) {
                prompt[i] = (r * 31 + i * 7) % VOCAB;
            }
            engine.step(List.of(engine.replayPrefill(seq, prompt, 1, never)));
            entries.add(engine.decode(seq, 5, never));
        }
        engine.step(entries); // the prelude and the first iteration, outside the measurement
        for (int i = 0; i < 2; i++) {
            engine.step(entries);
        }
        StepTimer.drain();
        StepTimer.enable(true);
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            engine.step(entries);
        }
        long total = System.nanoTime() - start;
        StepTimer.enable(false);
        Map<Part, Long> parts = StepTimer.drain();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %d | %.2f |", hidden, rows, total / 1e6 / steps));
        long timed = 0;
        for (Part p : Part.values()) {
            timed += parts.get(p);
            line.append(String.format(Locale.ROOT, " %.1f%% |", 100.0 * parts.get(p) / total));
        }
        line.append(String.format(Locale.ROOT, " %.1f%% |", 100.0 * (total - timed) / total));
        for (StepEntry e : entries) {
            engine.release(e.sequence());
        }
        return line.toString();
    }
}
