package io.muninn.model.engine;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kernel.StepTimer.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * One recurrence step of a micro-batch ({@link RecurrentDepthEngine#step}): new entries first run the prelude, then
 * all rows go through one core iteration together, then each entry's exit is decided ({@link ExitRule}) and the
 * entries that exit or check logits go through the coda and head ({@link ExitTail}). Every entry's latent state and
 * injection stay in the backend's memory from step to step.
 */
final class StepLoop {
    private final StepModel model;
    private final ModelConfig config;
    private final ExitTail tail;

    StepLoop(StepModel model, ModelConfig config) {
        this.model = model;
        this.config = config;
        this.tail = new ExitTail(model);
    }

    void step(List<StepEntry> entries) {
        List<StepEntry> fresh = new ArrayList<>();
        for (StepEntry e : entries) {
            if (e.exited()) {
                throw new IllegalArgumentException("entry at position " + e.call().firstPosition() + " already exited");
            }
            if (e.phase() == StepEntry.Phase.NEW) {
                fresh.add(e);
            } else if (e.running() == null) {
                throw new IllegalArgumentException(
                        "entry at position " + e.call().firstPosition() + " belongs to a released sequence");
            }
        }
        // a step's temporaries live in its scope; entries keep their states and injections in the backend's memory
        try (StepModel.Scope ignored = model.openStep()) {
            if (!fresh.isEmpty()) {
                runPrelude(new MicroBatch(fresh));
            }
            MicroBatch batch = new MicroBatch(entries);
            iterate(batch);
            decideExits(batch);
        }
    }

    private void runPrelude(MicroBatch batch) {
        LatentRows[] injections = model.prelude(batch.tokens(), batch.positions, batch.segments);
        long started = StepTimer.start();
        float[][] initial = new float[injections.length][];
        LatentRows[] states = new LatentRows[injections.length];
        for (int i = 0; i < injections.length; i++) {
            initial[i] = initialState(batch.entries.get(i));
            states[i] = model.upload(initial[i], batch.entries.get(i).rows());
        }
        StepTimer.stop(Part.COPIES, started);
        started = StepTimer.start();
        for (int i = 0; i < injections.length; i++) {
            StepEntry entry = batch.entries.get(i);
            ExitCriterion criterion = entry.call().policy().criterion();
            LatentRows checkedState = criterion.readsLatents() && entry.call().kind().checksCriterion()
                    ? model.upload(initial[i], entry.rows()) // the first latent check compares with s0
                    : null;
            // checks run batched in the backend
            entry.begin(new StepEntry.Running(injections[i], states[i], criterion.startBatched(config.vocabSize()),
                    checkedState));
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }

    private float[] initialState(StepEntry entry) {
        StepEntry.Call call = entry.call();
        Sequence seq = call.sequence();
        if (!call.kind().prompt() && seq.initialState().warmStart() && seq.warmLatent() != null) {
            return seq.warmLatent(); // only read: upload copies it into the entry's own block
        }
        return seq.initialState().randomRows(config, call.firstPosition(), call.rows());
    }

    private void iterate(MicroBatch batch) {
        int[] iterations = new int[batch.entries.size()];
        for (int i = 0; i < iterations.length; i++) {
            iterations[i] = batch.entries.get(i).iterations();
        }
        model.iterate(batch.blocks(e -> e.running().state()), batch.blocks(e -> e.running().injected()), batch.positions,
                batch.segments, iterations);
        for (StepEntry e : batch.entries) {
            StepEntry.Call call = e.call();
            call.sequence().kv().setDepth(call.firstPosition(), call.rows(), e.countIteration());
        }
    }

    /**
     * The latent checks due now, the exits they and the step caps decide, then coda and head, batched, for every
     * entry that exits or whose check needs logits.
     */
    private void decideExits(MicroBatch batch) {
        ExitRule.Check[] due = new ExitRule.Check[batch.entries.size()];
        List<StepEntry> latentChecks = new ArrayList<>();
        for (int i = 0; i < due.length; i++) {
            due[i] = ExitRule.checkDue(batch.entries.get(i));
            if (due[i] == ExitRule.Check.LATENT) {
                latentChecks.add(batch.entries.get(i));
            }
        }
        checkLatents(latentChecks);
        List<StepEntry> tailEntries = new ArrayList<>();
        for (int i = 0; i < due.length; i++) {
            StepEntry e = batch.entries.get(i);
            if (due[i] == ExitRule.Check.LOGITS) {
                e.awaitLogitCheck(); // decided in the tail, once the logits are there
                tailEntries.add(e);
            } else if (ExitRule.decide(e, due[i] == ExitRule.Check.LATENT)) {
                tailEntries.add(e);
            }
        }
        if (!tailEntries.isEmpty()) {
            tail.run(new MicroBatch(tailEntries));
        }
    }

    /** The latent criteria's checks of this step, all at once where the states lie (no state crosses to the heap). */
    private void checkLatents(List<StepEntry> checked) {
        if (checked.isEmpty()) {
            return;
        }
        List<ExitCheck> checks = new ArrayList<>();
        for (StepEntry e : checked) {
            checks.add(new ExitCheck(e.call().policy().criterion(), e.running().memory()));
        }
        long started = StepTimer.start();
        double[] values = model.checkLatents(checks, checked.stream().map(e -> e.running().state()).toArray(LatentRows[]::new),
                checked.stream().map(e -> e.running().checkedState()).toArray(LatentRows[]::new));
        for (int i = 0; i < values.length; i++) {
            checked.get(i).recordCheck(values[i]);
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }
}
