package io.muninn.model.scheduler;

/**
 * What one scheduler step did, for metrics.
 *
 * @param entries      forward calls and replay slices in the micro-batch
 * @param rows         rows in the micro-batch (replay slice rows included)
 * @param tokens       tokens released by this step
 * @param active       admitted sequences after the step
 * @param waiting      sequences waiting for admission after the step
 * @param kvBytesInUse KV pool bytes held after the step
 * @param preempted    sequences preempted before this step
 */
public record StepReport(int entries, int rows, int tokens, int active, int waiting, long kvBytesInUse, int preempted) {}
