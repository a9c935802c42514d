package io.muninn.model.scheduler;

/**
 * Where the scheduler delivers results, synchronously from {@link StepScheduler#step()}: each token as soon as it
 * exits, and each sequence's end. The model never does I/O itself.
 */
public interface GenerationListener {

    void onToken(TokenOutput token);

    /**
     * The request ended. Its {@link RequestLifecycle} (state {@code DONE}) is still returned by
     * {@link StepScheduler#lifecycle} until this returns, so a listener can read what it attached; then it is
     * forgotten and its id may be reused.
     */
    void onFinished(SequenceOutcome outcome);

    /** A waiting sequence was admitted (it holds KV cache from now on); called before its first step. */
    default void onAdmitted(String requestId) {}
}
