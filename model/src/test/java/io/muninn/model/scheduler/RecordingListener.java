package io.muninn.model.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/** Collects what a scheduler delivers, stamping each token with the scheduler step that released it. */
final class RecordingListener implements GenerationListener {
    record Stamped(TokenOutput token, int step) {}

    final List<Stamped> tokens = new ArrayList<>();
    final Map<String, SequenceOutcome> finished = new HashMap<>();
    final List<String> finishOrder = new ArrayList<>();
    /** Request id -> the scheduler step during which it was admitted. */
    final Map<String, Integer> admittedAt = new HashMap<>();
    private final IntSupplier step;

    RecordingListener(IntSupplier step) {
        this.step = step;
    }

    @Override
    public void onToken(TokenOutput token) {
        tokens.add(new Stamped(token, step.getAsInt()));
    }

    @Override
    public void onFinished(SequenceOutcome outcome) {
        if (finished.put(outcome.requestId(), outcome) != null) {
            throw new AssertionError("request " + outcome.requestId() + " finished twice");
        }
        finishOrder.add(outcome.requestId());
    }

    @Override
    public void onAdmitted(String requestId) {
        admittedAt.put(requestId, step.getAsInt());
    }

    List<Integer> tokenIds(String id) {
        return tokens.stream().filter(t -> t.token().requestId().equals(id)).map(t -> t.token().tokenId()).toList();
    }
}
