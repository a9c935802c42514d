package io.muninn.model.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What attention reads under each strategy, against a deliberately literal model of the reference's cache (a map
 * from step index to position to the entry written last, model/README.md "Attention over the cache"): earlier positions ran random numbers of
 * iterations; the keys a later position reads at every core layer-call must be exactly the entries the reference's
 * rules pick. Each entry is tagged with (step index, position, iteration) so a wrong pick is visible.
 */
class SequenceKvLookupTest {
    private static final int P = 2;
    private static final int R = 4;
    private static final int MAX_STEPS = 12;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full", "skip", "latest-m4", "always-last-m4", "compress-s4", "compress-s8",
            "latest-m4-compress-s16", "compress-r4", "latest-m4-compress-anchor", "compress-anchor"})
    void attentionReadsWhatTheReferenceCacheWouldReturn(String name) {
        KvStrategy strategy = KvStrategy.parse(name, R);
        KvLayout layout = new KvLayout(P, R, 2, MAX_STEPS, strategy);
        KvBlockPool pool = new KvBlockPool(3, 4, 4L << 20);
        SequenceKv kv = new SequenceKv(pool, layout);
        float[] keys = new float[(int) pool.totalRows()]; // the tag each pool row holds, as the backend's keys would
        Map<Integer, Map<Integer, Float>> reference = new HashMap<>(); // step_idx -> position -> tag
        Random random = new Random(name.hashCode());
        int positions = 9;
        for (int p = 0; p < positions; p++) {
            int depth = 1 + random.nextInt(MAX_STEPS);
            kv.appendPositions(1);
            for (int t = 0; t < depth; t++) {
                for (int l = 0; l < R; l++) {
                    writeTagged(kv, keys, reference, layout.coreSlot(t, l), p, p * 10_000 + t * 10 + l);
                }
            }
            kv.setDepth(p, 1, depth);
        }
        // a new position at every iteration and core layer: compare what it reads
        kv.appendPositions(1);
        int current = positions;
        for (int j = 0; j < MAX_STEPS; j++) {
            for (int l = 0; l < R; l++) {
                int slot = layout.coreSlot(j, l);
                writeTagged(kv, keys, reference, slot, current, current * 10_000 + j * 10 + l);
                kv.setDepth(current, 1, j + 1);
                List<Float> expected = referenceLookup(reference, slot, current, strategy.lookup());
                int[] rows = kv.attentionRows(slot, current, 1);
                List<Float> actual = new ArrayList<>();
                for (int r : rows) {
                    actual.add(keys[r]);
                }
                assertThat(actual).as("%s, iteration %s, layer %s", name, j, l).isEqualTo(expected);
            }
        }
    }

    /** Writes an entry whose key is {@code tag} at the row the pool gives it, and records it in the reference cache. */
    private static void writeTagged(SequenceKv kv, float[] keys, Map<Integer, Map<Integer, Float>> reference, int slot,
            int position, float tag) {
        keys[kv.rowForWrite(slot, position)] = tag;
        reference.computeIfAbsent(slot, s -> new HashMap<>()).put(position, tag);
    }

    /** The reference's rule, literally: stack the slot if every seen position has it, else apply the lookup. */
    private static List<Float> referenceLookup(Map<Integer, Map<Integer, Float>> cache, int slot, int current, KvLookup lookup) {
        Map<Integer, Float> atSlot = cache.get(slot);
        List<Float> out = new ArrayList<>();
        boolean all = atSlot.size() == current + 1;
        for (int p = 0; p <= current; p++) {
            if (all || lookup == KvLookup.EXISTING || p == current) {
                if (atSlot.containsKey(p)) {
                    out.add(atSlot.get(p));
                }
                continue;
            }
            int layer = (slot - P) % R;
            int best = -1;
            for (int s : cache.keySet()) {
                boolean sameLayer = s >= P && (s - P) % R == layer;
                boolean allowed = lookup == KvLookup.ALWAYS_LAST || s <= slot;
                if (sameLayer && allowed && cache.get(s).containsKey(p) && s > best) {
                    best = s;
                }
            }
            out.add(cache.get(best).get(p));
        }
        return out;
    }
}
