/**
 * Counter-based random numbers: every draw of a request (its initial state s0, its sampling draws) is a pure function
 * of (seed, stream, position, index), shared bit for bit with {@code tools/reference/muninn_rng.py}.
 */
package io.muninn.model.rng;
