package io.muninn.schemas.codec;

/** Thrown by the readers in this package when a payload cannot become a record; carries the {@link Rejection}. */
public final class RejectionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Rejection rejection;

    public RejectionException(Rejection rejection) {
        // No stack trace: a rejection is an expected outcome on the hot path, not a bug to debug.
        super(rejection.field() + ": " + rejection.reason(), null, false, false);
        this.rejection = rejection;
    }

    public RejectionException(String field, String template, Object... args) {
        this(Rejection.of(field, template, args));
    }

    public Rejection rejection() {
        return rejection;
    }
}
