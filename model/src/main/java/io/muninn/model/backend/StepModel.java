package io.muninn.model.backend;

import io.muninn.model.exit.ExitCheck;
import io.muninn.model.kv.SequenceKv;
import java.util.List;

/**
 * The arithmetic of a recurrent-depth model bound to one engine's KV pool ({@link Backend#bind}), in the units the
 * engine schedules: a prelude over new entries, one core iteration over every running entry, coda and head over
 * exiting ones, and a lockstep replay. Batches are given as {@link Segment}s (an entry's rows, their absolute
 * positions and its KV) stacked in order; per-entry states and injections are {@link LatentRows} that stay in the
 * backend's memory from step to step. Only tokens go in, and only exit decisions' inputs (criterion values, the
 * logits a caller asked for) come out.
 *
 * <p>Not thread-safe: one engine thread calls it. Temporaries of a step live until the {@link Scope} opened for it
 * closes; what a method returns as {@link LatentRows} outlives the scope, a {@link StepLogits} does not.
 */
public interface StepModel {

    /** The scope of one step's temporaries; close it when the step's arrays are no longer needed. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Opens the scope of one engine step. */
    Scope openStep();

    /** Copies {@code values} ({@code rows x hidden}, row-major) into a new block of backend memory. */
    LatentRows upload(float[] values, int rows);

    /**
     * Embeds {@code tokens} (one per row of the stacked segments at {@code positions}), runs the prelude (writing
     * its KV) and returns each segment's injection {@code e · A_eᵀ}, one block per segment, in order.
     */
    LatentRows[] prelude(int[] tokens, int[] positions, List<Segment> segments);

    /**
     * One core iteration of every segment: segment i runs its 0-based iteration {@code iterations[i]} from
     * {@code states[i]} with {@code injections[i]}, writing its core KV, and its new raw state replaces
     * {@code states[i]}'s contents.
     */
    void iterate(LatentRows[] states, LatentRows[] injections, int[] positions, List<Segment> segments, int[] iterations);

    /**
     * Coda (writing the coda KV of every row) over the segments' raw states, then the head over the stacked rows
     * {@code headRows} (indices into the batch's rows), in that order; null when {@code headRows} is empty. The
     * logits live until the step's scope closes.
     */
    StepLogits tail(LatentRows[] states, int[] positions, List<Segment> segments, int[] headRows);

    /**
     * The latent exit checks of a step at once, where the blocks lie ({@code exit.BatchedChecks#latents}'s
     * arithmetic): check i compares {@code states[i]} with {@code previous[i]} (the entry's state at its previous
     * check, or s0), records the value in its memory, then copies {@code states[i]} over {@code previous[i]} for the
     * next check. Returns the values in the order given; nothing else crosses to the heap.
     */
    double[] checkLatents(List<ExitCheck> checks, LatentRows[] states, LatentRows[] previous);

    /** The random initial states of rows at positions {@code first .. first + rows - 1} ({@code rows x hidden}). */
    @FunctionalInterface
    interface InitialStates {
        float[] rows(int first, int rows);
    }

    /**
     * A lockstep replay run in slices, each at most one step's worth of compute; see
     * {@link #startLockstepReplay}. Its temporaries outlive step scopes; it holds nothing once done.
     */
    interface ReplayPass {
        /** Whether every position is rebuilt. */
        boolean done();

        /** Positions to rebuild in all. */
        int positions();

        /** Positions whose KV is complete so far (whole chunks). */
        int positionsRebuilt();

        /** Slices run so far. */
        long slices();

        /** Rows the next slice iterates; 0 when done. */
        int nextSliceRows();

        /** Whether the next slice starts a chunk of positions (and so runs the prelude over it). */
        boolean nextSliceStartsChunk();

        /** Runs one slice: the prelude of a new chunk, one core iteration, the coda when the chunk completes. */
        void runSlice();

        /** The last position's exit latent (hidden floats) once done, else null. */
        float[] lastExitLatent();
    }

    /**
     * Rebuilds the KV of positions {@code first ..} of {@code kv} (already appended) in lockstep passes over chunks
     * of at most {@code maxRowsPerSlice} positions from {@code tokens}, each stopping at its recorded exit step,
     * starting from the random states {@code initialStates}. Returned unstarted: the caller runs its slices.
     */
    ReplayPass startLockstepReplay(SequenceKv kv, int first, int[] tokens, int[] exitSteps, InitialStates initialStates,
            int maxRowsPerSlice);
}
