package io.muninn.model.engine;

import io.muninn.model.backend.StepModel;
import java.util.Arrays;

/**
 * A sequence's lockstep replay in bounded slices ({@link RecurrentDepthEngine#startLockstepReplay}): the backend's
 * pass ({@link StepModel.ReplayPass}; its Javadoc in the ND4J backend says why it is exact) plus what the engine
 * keeps of it, the warm-start latent of the last position. One {@link #runSlice() slice} is at most one step's worth
 * of compute: the prelude of a chunk of positions when it starts, one core iteration over its still-running
 * positions, and the coda when its last position stops. A caller (the scheduler) runs one slice per step, so a
 * restore never holds its thread for longer than a step. Nothing of a replay is durable: a sequence whose replay is
 * abandoned (preempted, cancelled, the task failed) is rebuilt from its tokens again.
 */
public final class LockstepReplay {
    private final Sequence seq;
    private final StepModel.ReplayPass pass;

    LockstepReplay(Sequence seq, StepModel.ReplayPass pass) {
        this.seq = seq;
        this.pass = pass;
    }

    /**
     * The recorded exit step of every position: the prefill's ({@code exitSteps[0]}) for each of the
     * {@code promptLength} prompt positions, then {@code exitSteps[1 + i]} for generated token {@code i}; each must be
     * in [1, {@code maxSteps}].
     */
    static int[] exitStepPerPosition(int promptLength, int[] exitSteps, int maxSteps) {
        for (int i = 0; i < exitSteps.length; i++) {
            if (exitSteps[i] < 1 || exitSteps[i] > maxSteps) {
                throw new IllegalArgumentException(String.format(
                        "recorded exit step %s must be in [1, %s] but was %s", i, maxSteps, exitSteps[i]));
            }
        }
        int[] steps = new int[promptLength + exitSteps.length - 1];
        Arrays.fill(steps, 0, promptLength, exitSteps[0]);
        System.arraycopy(exitSteps, 1, steps, promptLength, exitSteps.length - 1);
        return steps;
    }

    /** Whether every position is rebuilt (the sequence then continues with a decode row of its next token). */
    public boolean done() {
        return pass.done();
    }

    /** Positions to rebuild in all. */
    public int positions() {
        return pass.positions();
    }

    /** Positions whose KV is complete so far (whole chunks). */
    public int positionsRebuilt() {
        return pass.positionsRebuilt();
    }

    /** Slices run so far. */
    public long slices() {
        return pass.slices();
    }

    /** Rows the next slice iterates (at most the slice size); 0 when done. */
    public int nextSliceRows() {
        return pass.nextSliceRows();
    }

    /** Whether the next slice starts a chunk (and so runs the prelude over it). */
    public boolean nextSliceStartsChunk() {
        return pass.nextSliceStartsChunk();
    }

    /** Runs one slice: the prelude of a new chunk, one core iteration, and the coda when the chunk is complete. */
    public void runSlice() {
        pass.runSlice();
        if (pass.done()) {
            // as after call-by-call replay: the last position's exit latent is where a warm-started next token begins
            seq.warmLatent(pass.lastExitLatent());
        }
    }

    /** Runs every remaining slice. */
    public void runToCompletion() {
        while (!done()) {
            runSlice();
        }
    }
}
