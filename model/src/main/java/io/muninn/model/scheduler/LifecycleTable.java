package io.muninn.model.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's one table of live requests: id to {@link RequestLifecycle}, plus the two orders it needs over the
 * same objects: the waiting queue (arrival order; a preempted request goes back to its head) and the admitted
 * requests (admission order). A request is in exactly one of the two until it is removed.
 */
final class LifecycleTable {
    private final Map<String, RequestLifecycle> byId = new HashMap<>();
    private final Deque<RequestLifecycle> waiting = new ArrayDeque<>();
    private final List<RequestLifecycle> admitted = new ArrayList<>();

    /** Queues a new or restored request; ids must be unique among live requests. */
    RequestLifecycle add(SequenceRequest request, SequenceProgress progress) {
        if (live(request.id()) != null) {
            throw new IllegalArgumentException("request_id '" + request.id() + "' is already active");
        }
        RequestLifecycle l = new RequestLifecycle(request, progress);
        byId.put(request.id(), l);
        waiting.addLast(l);
        return l;
    }

    /** The live request {@code id}, or one whose {@code onFinished} is being delivered; null otherwise. */
    RequestLifecycle get(String id) {
        return byId.get(id);
    }

    /** The request {@code id} if it is live (not finished); null otherwise. */
    RequestLifecycle live(String id) {
        RequestLifecycle l = byId.get(id);
        return l == null || l.state() == RequestLifecycle.State.DONE ? null : l;
    }

    RequestLifecycle headOfQueue() {
        return waiting.peekFirst();
    }

    int waitingCount() {
        return waiting.size();
    }

    /** Admitted requests, oldest admission first; read-only. */
    List<RequestLifecycle> admitted() {
        return Collections.unmodifiableList(admitted);
    }

    /** The head of the queue is admitted with {@code sequence}. */
    void admitHead(ActiveSequence sequence) {
        RequestLifecycle head = waiting.pollFirst();
        head.admit(sequence);
        admitted.add(head);
    }

    /** An admitted request goes back to the head of the queue (a preemption). */
    void requeue(RequestLifecycle l) {
        admitted.remove(l);
        l.requeue();
        waiting.addFirst(l);
    }

    /** Takes a request out of the queue or the admitted list; it stays findable by id until {@link #forget}. */
    void unlink(RequestLifecycle l) {
        if (l.admitted() != null) {
            admitted.remove(l);
        } else {
            waiting.remove(l);
        }
    }

    /** Drops a finished request from the table (a new request may reuse its id from now on). */
    void forget(RequestLifecycle l) {
        byId.remove(l.id(), l);
    }

    /** Live requests whose deadline is at or before {@code nowMillis}, waiting ones first. */
    List<RequestLifecycle> expired(long nowMillis) {
        List<RequestLifecycle> out = new ArrayList<>();
        for (RequestLifecycle l : waiting) {
            if (nowMillis >= l.request().deadlineMillis()) {
                out.add(l);
            }
        }
        for (RequestLifecycle l : admitted) {
            if (nowMillis >= l.request().deadlineMillis()) {
                out.add(l);
            }
        }
        return out;
    }

    /** Every live request: the waiting ones in queue order, then the admitted ones in admission order. */
    List<RequestLifecycle> live() {
        List<RequestLifecycle> out = new ArrayList<>(waiting.size() + admitted.size());
        out.addAll(waiting);
        out.addAll(admitted);
        return out;
    }
}
