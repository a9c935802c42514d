package io.muninn.model.share;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Values shared by key and counted by their users: the first {@link #acquire} of a key creates its value, later
 * ones share it, and the {@link #release} of its last user removes it, handing it back so that the owner frees it
 * outside this lock. Per key it remembers how many values were created and the latest one's peak users. Thread-safe;
 * {@code weights.SharedWeights} (loaded weights) and the SQL provider's engine registry count their users with it.
 *
 * @param <K> the key: equal keys share a value
 * @param <V> the shared value
 */
public final class SharedByKey<K, V> {

    /**
     * A key's use so far.
     *
     * @param users     holds on the current value now (0: none held)
     * @param peakUsers the most holds the latest value had at once
     * @param created   how many values were created for the key
     */
    public record Usage(int users, int peakUsers, long created) {
        static final Usage NONE = new Usage(0, 0, 0);
    }

    private final Object lock = new Object();
    /** The values held now; guarded by {@link #lock}. */
    private final Map<K, Slot<V>> held = new HashMap<>();
    /** Per key ever acquired; guarded by {@link #lock}. */
    private final Map<K, Usage> history = new HashMap<>();

    private static final class Slot<V> {
        final V value;
        int users;

        Slot(V value) {
            this.value = value;
        }
    }

    /** One user's hold on a key's value; give it back once with {@link #release} (later calls do nothing). */
    public final class Hold {
        private final K key;
        private final Slot<V> slot;
        private final boolean created;
        private boolean released; // guarded by lock

        private Hold(K key, Slot<V> slot, boolean created) {
            this.key = key;
            this.slot = slot;
            this.created = created;
        }

        public V value() {
            return slot.value;
        }

        /** The holds on this value now, this one included until it is released. */
        public int users() {
            synchronized (lock) {
                return slot.users;
            }
        }

        /** Whether this hold's {@code acquire} created the value (false: it found one held). */
        public boolean created() {
            return created;
        }

        public boolean released() {
            synchronized (lock) {
                return released;
            }
        }
    }

    /**
     * A hold on the value of {@code key}, made by {@code create} (under this lock, so keep it cheap) when no one holds
     * one.
     */
    public Hold acquire(K key, Function<? super K, ? extends V> create) {
        synchronized (lock) {
            Slot<V> slot = held.get(key);
            boolean created = slot == null;
            if (created) {
                slot = new Slot<>(Objects.requireNonNull(create.apply(key), "created value"));
                held.put(key, slot);
            }
            slot.users++;
            Usage before = history.getOrDefault(key, Usage.NONE);
            history.put(key, new Usage(slot.users, created ? slot.users : Math.max(before.peakUsers(), slot.users),
                    before.created() + (created ? 1 : 0)));
            return new Hold(key, slot, created);
        }
    }

    /**
     * Gives {@code hold} back. Returns its value when this was the value's last user, now removed (the caller frees
     * it); null otherwise, for a hold released before, and for a value {@link #drop dropped} already.
     */
    public V release(Hold hold) {
        synchronized (lock) {
            if (hold.released) {
                return null;
            }
            hold.released = true;
            int left = --hold.slot.users;
            if (held.get(hold.key) != hold.slot) {
                return null;
            }
            Usage before = history.get(hold.key);
            history.put(hold.key, new Usage(left, before.peakUsers(), before.created()));
            if (left > 0) {
                return null;
            }
            held.remove(hold.key);
            return hold.slot.value;
        }
    }

    /**
     * Removes the value of {@code hold} at once, whatever its users (it could not be made ready): the next
     * {@code acquire} creates a new one, and releasing the holds on this one frees nothing. Releases {@code hold}.
     */
    public void drop(Hold hold) {
        synchronized (lock) {
            hold.released = true;
            hold.slot.users--;
            if (held.remove(hold.key, hold.slot)) {
                Usage before = history.get(hold.key);
                history.put(hold.key, new Usage(0, before.peakUsers(), before.created()));
            }
        }
    }

    /** How {@code key} has been used so far. */
    public Usage usage(K key) {
        synchronized (lock) {
            return history.getOrDefault(key, Usage.NONE);
        }
    }

    /** The use of every key acquired so far. */
    public Map<K, Usage> usage() {
        synchronized (lock) {
            return Map.copyOf(history);
        }
    }
}
