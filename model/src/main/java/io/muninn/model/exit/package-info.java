/**
 * Exit criteria: when a token's latent state has converged. {@link io.muninn.model.exit.ExitCriterion}
 * is the strategy, parsed once from a user's name by {@link io.muninn.model.exit.ExitCriterion#of}; its per-token
 * memory is {@link io.muninn.model.exit.ExitMemory}; {@link io.muninn.model.exit.ExitPolicy} says at which
 * iterations it is checked. Each criterion's class holds only its formula: what the value-threshold criteria share
 * (name, threshold, loosening, equality) is in {@code BelowThreshold}, what the logit criteria share (checking the
 * row, recording the check) in {@code LogitCriterion}, what {@code kl} and {@code minp-kl} share (the KL of
 * consecutive log-probabilities) in {@code LogProbCriterion}, and what the latent criteria share (checking the shape,
 * remembering the previous outputs, the mean over the rows) in {@code LatentCriterion}. Formulas read their rows
 * from {@link java.nio.FloatBuffer}s, so one token's check on the heap ({@code evaluate}) and a step's checks where a
 * backend holds the rows ({@link io.muninn.model.exit.BatchedChecks}) run the same arithmetic. No ND4J type here.
 */
package io.muninn.model.exit;
