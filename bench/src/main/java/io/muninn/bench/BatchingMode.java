package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;

/** What the three batching modes share: the engine they step, their batch size, and their name in the results. */
abstract class BatchingMode implements ServingMode {
    final RecurrentDepthEngine engine;
    final int batch;
    private final String name;

    BatchingMode(String name, RecurrentDepthEngine engine, int batch) {
        this.name = name;
        this.engine = engine;
        this.batch = batch;
    }

    @Override
    public final String name() {
        return name;
    }
}
