package io.muninn.model.kv;

/** The KV pool has no free block: admission let in more than the byte budget holds. */
public final class KvBudgetExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public KvBudgetExceededException(String message) {
        super(message);
    }
}
