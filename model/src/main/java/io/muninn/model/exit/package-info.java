/**
 * Exit criteria (spec §4.3): when a token's latent state has converged. {@link io.muninn.model.exit.ExitCriterion}
 * is the strategy, parsed once from a user's name by {@link io.muninn.model.exit.ExitCriterion#of}; its per-token
 * memory is {@link io.muninn.model.exit.ExitMemory}; {@link io.muninn.model.exit.ExitPolicy} says at which
 * iterations it is checked.
 */
package io.muninn.model.exit;
