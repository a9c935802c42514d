package io.muninn.model.scheduler;

import io.muninn.model.exit.DepthProfile;
import java.util.Arrays;

/**
 * A bounded sliding window of the exit steps of the most recent tokens that ran unrelaxed (stage 0), and the
 * {@link DepthProfile} of it that {@link io.muninn.model.exit.Relaxation}'s step-cap stages follow. Only unrelaxed
 * exits are fed in, so a relaxed stage never lowers the caps it is measured by (no spiral down on its own output);
 * while a stage holds, the window keeps the last unrelaxed depth (and strict requests' tokens keep it current).
 *
 * <p>Quantiles, by nearest rank: stage 3 caps at p{@value #HIGH_PERCENT}, so under load only the hardest tenth of
 * tokens (as they exit unrelaxed) is cut short, the tail that keeps rows busy longest; stage 4, the last resort, at
 * p{@value #LOW_PERCENT}, a cap that still leaves three quarters of them untouched (the median would cap half the
 * tokens, as blunt as a fixed lower {@code max_steps}). The window holds {@value #DEFAULT_SIZE} tokens by default:
 * 50 above p90, enough that one odd request does not move it, and a few dozen micro-batches at batch 16, so it
 * follows a change of workload within a second or two of serving.
 */
final class UnrelaxedExits {
    static final int DEFAULT_SIZE = 512;
    static final int HIGH_PERCENT = 90;
    static final int LOW_PERCENT = 75;

    private final int[] ring;
    private int size;
    private int next;
    private DepthProfile profile = DepthProfile.NONE;
    private boolean stale;

    UnrelaxedExits(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("unrelaxed exit window capacity must be at least 1 but was " + capacity);
        }
        this.ring = new int[capacity];
    }

    /** Adds one unrelaxed token's exit step (at least 1), replacing the oldest once the window is full. */
    void add(int exitStep) {
        if (exitStep < 1) {
            throw new IllegalArgumentException("exit step must be at least 1 but was " + exitStep);
        }
        ring[next] = exitStep;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        stale = true;
    }

    int size() {
        return size;
    }

    /** The window's p90 and p75; {@link DepthProfile#NONE} while it is empty. Sorted again only after a change. */
    DepthProfile profile() {
        if (stale) {
            int[] sorted = Arrays.copyOf(ring, size);
            Arrays.sort(sorted);
            profile = new DepthProfile(nearestRank(sorted, HIGH_PERCENT), nearestRank(sorted, LOW_PERCENT));
            stale = false;
        }
        return profile;
    }

    /** The smallest value with at least {@code percent}% of the window at or below it. */
    private static int nearestRank(int[] sorted, int percent) {
        int rank = (percent * sorted.length + 99) / 100;
        return sorted[Math.max(1, rank) - 1];
    }
}
