package io.muninn.bench;

import io.muninn.model.generate.GenerationParams;

/** One benchmark sequence: the same prompt and parameters (its own seed) in every mode. */
record BenchRequest(String id, int[] prompt, GenerationParams params) {}
