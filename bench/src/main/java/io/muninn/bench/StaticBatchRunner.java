package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.generate.GenerationParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Static batching, as the reference generates a batch: a fixed group of sequences advances token by token, and each
 * token round iterates until its slowest member exits. Members that exited stop computing (so outputs are identical
 * to every other mode), but none moves on to its next token before the whole group has.
 */
final class StaticBatchRunner {
    private final RecurrentDepthEngine engine;
    private final int batchSize;

    StaticBatchRunner(RecurrentDepthEngine engine, int batchSize) {
        this.engine = engine;
        this.batchSize = batchSize;
    }

    /** Generates every request; returns each one's tokens in request order. */
    List<int[]> run(List<BenchRequest> requests) {
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += batchSize) {
            out.addAll(runGroup(requests.subList(from, Math.min(requests.size(), from + batchSize))));
        }
        return out;
    }

    private List<int[]> runGroup(List<BenchRequest> group) {
        int n = group.size();
        GenerationParams params = group.get(0).params();
        List<Sequence> seqs = new ArrayList<>();
        List<StepEntry> round = new ArrayList<>();
        int[][] tokens = new int[n][params.maxNewTokens()];
        for (int i = 0; i < n; i++) {
            GenerationParams p = group.get(i).params();
            Sequence s = engine.newSequence(p.seed(), p.initScale(), p.warmStart());
            seqs.add(s);
            round.add(engine.prefill(s, group.get(i).prompt(), true, p.exit()));
        }
        for (int t = 0; t < params.maxNewTokens(); t++) {
            runRound(round);
            List<StepEntry> next = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                StepEntry e = round.get(i);
                if (e == null) {
                    next.add(null);
                    continue;
                }
                int token = params.sampler().sample(e.lastLogits(), group.get(i).params().seed(), t);
                tokens[i][t] = token;
                boolean last = t + 1 == params.maxNewTokens() || params.stopTokens().contains(token);
                next.add(last ? null : engine.decode(seqs.get(i), token, params.exit()));
            }
            round = next;
        }
        seqs.forEach(engine::release);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int produced = 0;
            while (produced < tokens[i].length && (produced == 0 || !group.get(i).params().stopTokens().contains(tokens[i][produced - 1]))) {
                produced++;
            }
            out.add(java.util.Arrays.copyOf(tokens[i], produced));
        }
        return out;
    }

    /** One token round: step the unfinished members together until every one has exited. */
    private void runRound(List<StepEntry> round) {
        List<StepEntry> running = new ArrayList<>();
        for (StepEntry e : round) {
            if (e != null) {
                running.add(e);
            }
        }
        while (!running.isEmpty()) {
            engine.step(running);
            running.removeIf(StepEntry::exited);
        }
    }
}
