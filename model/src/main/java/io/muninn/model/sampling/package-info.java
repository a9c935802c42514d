/**
 * Token samplers: {@link io.muninn.model.sampling.Sampler} is the strategy, built once from a request's
 * {@link io.muninn.model.sampling.SamplingParams}; draws come from the counter RNG, so a token is a pure function of
 * (logits, seed, token index).
 */
package io.muninn.model.sampling;
