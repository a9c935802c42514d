package io.muninn.model.scheduler;

/**
 * A token released the moment its recurrence exited.
 *
 * @param requestId      the sequence
 * @param index          0-based index among the sequence's generated tokens
 * @param tokenId        the sampled token
 * @param text           the text this token completes (empty while a multi-byte character is incomplete)
 * @param exitStep       recurrence steps the token took
 * @param converged      true when the exit criterion ended the recurrence, false when {@code max_steps} did
 * @param criterionValue the criterion's last value, NaN when none was computed
 */
public record TokenOutput(String requestId, int index, int tokenId, String text, int exitStep, boolean converged,
        double criterionValue) {

    /** {@code converged} or {@code max_steps}, as written on the wire. */
    public String exitReason() {
        return converged ? "converged" : "max_steps";
    }
}
