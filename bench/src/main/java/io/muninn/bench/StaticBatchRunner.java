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
    private long rowSteps;
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

    /** Rows stepped so far, summed over steps (a prefill chunk counts its positions). */
    long rowSteps() {
        return rowSteps;
    }

    /** Token rounds run so far (the prefill round included); each lasts as long as its slowest member. */
    long rounds() {
        return rounds;
    }

    /** Hears a static group's tokens as each round ends, and each member's end; members by index in the group. */
    interface RoundListener {
        RoundListener NONE = new RoundListener() {
            @Override
            public void token(int member, int index, int token) {}

            @Override
            public void finished(int member) {}
        };

        void token(int member, int index, int token);

        void finished(int member);
    }

    /** Generates every request; returns each one's tokens in request order. */
    List<int[]> run(List<BenchRequest> requests) {
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += batchSize) {
            out.addAll(runGroup(requests.subList(from, Math.min(requests.size(), from + batchSize)), RoundListener.NONE));
        }
        return out;
    }

    /**
     * Runs one group (at most the batch size) until every member has finished: each member stops at its own
     * {@code max_new_tokens} or stop token, the group at its longest. Returns each member's tokens in group order.
     */
    List<int[]> runGroup(List<BenchRequest> group, RoundListener listener) {
        if (group.size() > batchSize) {
            throw new IllegalArgumentException("a static group holds at most the batch size " + batchSize + " but got " + group.size());
        }
        int n = group.size();
        GenerationParams params = group.get(0).params();
        List<Sequence> seqs = new ArrayList<>();
        List<StepEntry> round = new ArrayList<>();
        int[][] tokens = new int[n][];
        int[] produced = new int[n];
        int[][] prompts = new int[n][];
        int longest = 0;
        List<Sequence> shadows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GenerationParams p = group.get(i).params();
            tokens[i] = new int[p.maxNewTokens()];
            longest = Math.max(longest, p.maxNewTokens());
            prompts[i] = group.get(i).prompt();
            Sequence s = engine.newSequence(p.seed(), p.initScale(), p.warmStart());
            seqs.add(s);
            round.add(engine.prefill(s, group.get(i).prompt(), true, p.exit()));
            if (membersKeepComputing) {
                shadows.add(engine.newSequence(p.seed(), p.initScale(), p.warmStart()));
            }
        }
        for (int t = 0; t < longest; t++) {
            runRound(round, shadows, params.exit(), t == 0 ? prompts : null);
            List<StepEntry> next = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                StepEntry e = round.get(i);
                if (e == null) {
                    next.add(null);
                    continue;
                }
                GenerationParams p = group.get(i).params();
                int token = p.sampler().sample(e.lastLogits(), p.seed(), t);
                tokens[i][t] = token;
                produced[i] = t + 1;
                listener.token(i, t, token);
                boolean last = t + 1 == p.maxNewTokens() || p.stopTokens().contains(token);
                if (last) {
                    listener.finished(i);
                }
                next.add(last ? null : engine.decode(seqs.get(i), token, p.exit()));
            }
            round = next;
        }
        seqs.forEach(engine::release);
        shadows.forEach(engine::release);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(java.util.Arrays.copyOf(tokens[i], produced[i]));
        }
        return out;
    }

    /**
     * One token round: step the unfinished members together until every one has exited; with shadows (one per member,
     * or none), every member that is not iterating (exited this round, or its sequence ended, a null entry) is stood
     * in for by its shadow's row: its whole prompt's rows where the member prefills this round ({@code prefills}
     * non-null and its entry for the member non-null), a decode row otherwise.
     */
    void runRound(List<StepEntry> round, List<Sequence> shadows, ExitPolicy memberPolicy, int[][] prefills) {
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
                        shadowRows[i] = prefills != null && prefills[i] != null
                                ? engine.prefill(shadows.get(i), prefills[i], true, never)
                                : engine.decode(shadows.get(i), 0, never);
                    }
                    batch.add(shadowRows[i]);
                }
            }
            engine.step(batch);
            steps++;
            entrySteps += batch.size();
            for (StepEntry e : batch) {
                rowSteps += e.rows();
            }
            running.removeIf(StepEntry::exited);
        }
    }
}
