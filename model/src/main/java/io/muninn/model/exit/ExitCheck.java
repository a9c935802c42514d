package io.muninn.model.exit;

/**
 * One token's check in a batch ({@link BatchedChecks}): its criterion and its memory (from
 * {@link ExitCriterion#startBatched}), which the check moves forward.
 */
public record ExitCheck(ExitCriterion criterion, ExitMemory memory) {}
