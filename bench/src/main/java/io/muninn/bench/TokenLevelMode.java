package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.generate.GenerationParams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Token-level continuous batching, as an LLM server (Orca's iteration-level scheduling) would run a recurrent-depth
 * model: requests join and leave the batch at token boundaries, up to {@code batch} members, but each token round
 * steps the whole batch until its slowest member has exited, and only then releases the round's tokens. A request
 * that joins prefills in the round it joins, beside the others' decode rows. With {@code membersKeepComputing} a
 * member that exited early keeps a row in every step of the round (its shadow, as in {@link StaticBatchRunner}), as a
 * batch tensor iterated until every row exited does; without it, exited members idle. The round logic is
 * {@link StaticBatchRunner#runRound}'s.
 */
final class TokenLevelMode extends BatchingMode {
    private final boolean membersKeepComputing;

    private static final class Member {
        final int index;
        final Sequence sequence;
        final Sequence shadow;
        StepEntry current;
        int[] prefill;
        int produced;

        Member(int index, Sequence sequence, Sequence shadow, StepEntry current, int[] prefill) {
            this.index = index;
            this.sequence = sequence;
            this.shadow = shadow;
            this.current = current;
            this.prefill = prefill;
        }
    }

    TokenLevelMode(RecurrentDepthEngine engine, int batch, boolean membersKeepComputing) {
        super("token-level", engine, batch);
        this.membersKeepComputing = membersKeepComputing;
    }

    @Override
    public Work serve(ServingRun run) {
        StaticBatchRunner rounds = new StaticBatchRunner(engine, batch, membersKeepComputing);
        Deque<Integer> waiting = new ArrayDeque<>();
        List<Member> members = new ArrayList<>();
        run.start();
        while (!run.allFinished()) {
            waiting.addAll(run.takeArrived());
            if (members.isEmpty() && waiting.isEmpty()) {
                run.sleepUntil(run.nextArrival());
                continue;
            }
            while (members.size() < batch && !waiting.isEmpty()) {
                int i = waiting.pollFirst();
                BenchRequest r = run.request(i);
                GenerationParams p = r.params();
                Sequence s = engine.newSequence(p.seed(), p.initScale(), p.warmStart());
                Sequence shadow = membersKeepComputing ? engine.newSequence(p.seed(), p.initScale(), p.warmStart()) : null;
                members.add(new Member(i, s, shadow, engine.prefill(s, r.prompt(), true, p.exit()), r.prompt()));
            }
            List<StepEntry> round = new ArrayList<>();
            List<Sequence> shadows = new ArrayList<>();
            int[][] prefills = new int[members.size()][];
            for (int m = 0; m < members.size(); m++) {
                round.add(members.get(m).current);
                prefills[m] = members.get(m).prefill;
                if (membersKeepComputing) {
                    shadows.add(members.get(m).shadow);
                }
            }
            rounds.runRound(round, shadows, run.request(members.get(0).index).params().exit(), prefills);
            for (Member m : new ArrayList<>(members)) {
                GenerationParams p = run.request(m.index).params();
                int token = p.sampler().sample(m.current.lastLogits(), p.seed(), m.produced);
                run.token(m.index, token);
                m.produced++;
                if (m.produced == p.maxNewTokens() || p.stopTokens().contains(token)) {
                    engine.release(m.sequence);
                    if (m.shadow != null) {
                        engine.release(m.shadow);
                    }
                    members.remove(m);
                    run.finished(m.index);
                } else {
                    m.current = engine.decode(m.sequence, token, p.exit());
                    m.prefill = null;
                }
            }
        }
        return new Work(rounds.steps(), rounds.entrySteps(), rounds.rowSteps());
    }
}
