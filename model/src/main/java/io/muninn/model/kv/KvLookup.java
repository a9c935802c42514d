package io.muninn.model.kv;

/**
 * Which earlier-position entry a core layer-call reads when that position has no entry at the caller's own slot
 *. Prelude and coda calls always read their own slot, which every earlier position has.
 */
public enum KvLookup {
    /** {@code full} (the reference's default) and {@code skip}: only positions with an entry at this slot. */
    EXISTING,
    /** {@code latest-m4}: the same core layer at the latest iteration ≤ the caller's that the position reached. */
    LATEST,
    /** {@code always-last-m4}: the same core layer at the deepest iteration the position reached, at any depth. */
    ALWAYS_LAST
}
