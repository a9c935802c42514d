/**
 * Evaluation of a model on a task's eval set: exact-match accuracy and recurrence steps per difficulty level, at
 * fixed depths and under an exit criterion, batched through the {@link io.muninn.model.scheduler.StepScheduler}.
 */
package io.muninn.model.eval;
