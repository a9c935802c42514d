package io.muninn.model.backend;

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
     * Rebuilds the KV of positions {@code first ..} of {@code kv} (already appended) in one lockstep pass from
     * {@code tokens}, each stopping at its recorded exit step, starting from the random states {@code initialStates}
     * ({@code tokens.length x hidden}). Returns the last position's exit latent (hidden floats).
     */
    float[] replayLockstep(SequenceKv kv, int first, int[] tokens, int[] exitSteps, float[] initialStates);
}
