package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Static batching: a fixed group of sequences advances token by token, and each token round iterates until its
 * slowest member exits; no member moves on to its next token before the whole group has.
 *
 * <p>With {@code membersKeepComputing}, as the reference's {@code generate_with_adaptive_compute} does: it iterates
 * the whole batch tensor every step until every row exited, so rows that exited (or whose sequence ended) keep
 * costing a row each, exit check included. Here such a row is a shadow sequence stepped in the same micro-batch
 * (its own KV, a never-satisfied KL check), so the real sequences' outputs stay identical to every other mode.
 * Without it, exited members stop computing: a leaner baseline than the reference.
 */
final class StaticBatchRunner {
    private final RecurrentDepthEngine engine;
    private final int batchSize;
    private final boolean membersKeepComputing;
    private long steps;
    private long entrySteps;
    private long rounds;

    StaticBatchRunner(RecurrentDepthEngine engine, int batchSize, boolean membersKeepComputing) {
        this.engine = engine;
        this.batchSize = batchSize;
        this.membersKeepComputing = membersKeepComputing;
    }

    /** Micro-batch steps run so far. */
    long steps() {
        return steps;
    }

    /** Entries stepped so far, summed over steps (a decode row or a prefill chunk counts once per step). */
    long entrySteps() {
        return entrySteps;
    }

    /** Token rounds run so far (the prefill round included); each lasts as long as its slowest member. */
    long rounds() {
        return rounds;
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
        List<Sequence> shadows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GenerationParams p = group.get(i).params();
            Sequence s = engine.newSequence(p.seed(), p.initScale(), p.warmStart());
            seqs.add(s);
            round.add(engine.prefill(s, group.get(i).prompt(), true, p.exit()));
            if (membersKeepComputing) {
                shadows.add(engine.newSequence(p.seed(), p.initScale(), p.warmStart()));
            }
        }
        for (int t = 0; t < params.maxNewTokens(); t++) {
            runRound(round, shadows, params.exit(), t == 0 ? group : null);
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
        shadows.forEach(engine::release);
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

    /**
     * One token round: step the unfinished members together until every one has exited; with shadows, every member
     * that is not iterating (exited this round, or its sequence ended) is stood in for by its shadow's row (its
     * whole prompt's rows in the prefill round, {@code prefillOf} non-null).
     */
    private void runRound(List<StepEntry> round, List<Sequence> shadows, ExitPolicy memberPolicy, List<BenchRequest> prefillOf) {
        List<StepEntry> running = new ArrayList<>();
        for (StepEntry e : round) {
            if (e != null) {
                running.add(e);
            }
        }
        String criterion = memberPolicy.criterion().name();
        double unreachable = criterion.equals("argmax-stability") ? Integer.MAX_VALUE : Double.MIN_VALUE;
        ExitPolicy never = new ExitPolicy(ExitCriterion.of(criterion, unreachable), 0, memberPolicy.maxSteps(), 1,
                memberPolicy.exitInPrefill());
        StepEntry[] shadowRows = new StepEntry[shadows.size()];
        if (!running.isEmpty()) {
            rounds++;
        }
        while (!running.isEmpty()) {
            List<StepEntry> batch = new ArrayList<>(running);
            for (int i = 0; i < shadows.size(); i++) {
                StepEntry member = round.get(i);
                if (member == null || member.exited()) {
                    if (shadowRows[i] == null || shadowRows[i].exited()) {
                        // the prefill round stands in the member's whole prompt, as the reference's batch tensor holds it
                        shadowRows[i] = prefillOf != null
                                ? engine.prefill(shadows.get(i), prefillOf.get(i).prompt(), true, never)
                                : engine.decode(shadows.get(i), 0, never);
                    }
                    batch.add(shadowRows[i]);
                }
            }
            engine.step(batch);
            steps++;
            entrySteps += batch.size();
            running.removeIf(StepEntry::exited);
        }
    }
}
