package io.muninn.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** For each step count t, a fresh forward of the whole sequence with t recurrence steps; prints its logits. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Print the logits of a fresh forward pass at each recurrence depth, one JSON object per line.")
final class LogitsCommand implements Callable<Integer> {

    @Mixin
    ModelAndTokens input;

    @Option(names = "--steps", split = ",", description = "Recurrence step counts, e.g. 1,4,32 (default: the config's mean_recurrence).")
    List<Integer> steps;

    @Mixin
    InitialStateOptions initialState;

    @Option(names = "--all-positions", description = "Print the logits of every position, not only the last.")
    boolean allPositions;

    @Override
    public Integer call() {
        int[] tokens = input.tokenIds.ids();
        ModelWeights weights = WeightsLoader.load(input.model);
        List<Integer> counts = steps != null ? steps : List.of(weights.config().meanRecurrence());
        int maxSteps = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int t : counts) {
            if (t < 1) {
                throw new IllegalArgumentException("--steps values must be >= 1 but one was " + t);
            }
        }
        RecurrentDepthEngine engine = EngineFactory.forSequence(weights, "full", maxSteps, tokens.length);
        for (int t : counts) {
            Sequence seq = engine.newSequence(initialState.seed, initialState.initScale, false);
            StepEntry entry = engine.fixedDepth(seq, tokens, t);
            while (!entry.exited()) {
                engine.step(List.of(entry));
            }
            JsonObject out = new JsonObject();
            out.addProperty("steps", t);
            if (allPositions) {
                JsonArray rows = new JsonArray();
                for (float[] row : entry.allLogits()) {
                    rows.add(Json.array(row));
                }
                out.add("logits", rows);
            } else {
                out.add("logits", Json.array(entry.lastLogits()));
            }
            System.out.println(Json.GSON.toJson(out));
            engine.release(seq);
        }
        return 0;
    }
}
