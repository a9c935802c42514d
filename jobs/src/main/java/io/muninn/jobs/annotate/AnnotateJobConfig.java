package io.muninn.jobs.annotate;

import java.io.Serializable;
import java.util.List;

/**
 * What AnnotateJob reads, asks and writes.
 *
 * @param inputs          JSONL or CSV files (or directories of them)
 * @param format          how each line becomes a record
 * @param template        the prompt, with {@code {field}} placeholders
 * @param chat            send the prompt as one user message through the model's chat template instead of raw text
 * @param idField         the field that identifies a record; records without it are identified by a hash of the line
 * @param output          directory for {@code annotations/} and {@code rejected/} JSON lines (exactly-once file sink)
 * @param maxNewTokens    tokens per answer at most
 * @param criterion       exit criterion name ({@code kl}, ..., {@code none})
 * @param threshold       its threshold; null for the criterion's default
 * @param checkpointMillis checkpoint interval; output files are committed at checkpoints and at the end
 */
public record AnnotateJobConfig(List<String> inputs, RecordFormat format, PromptTemplate template, boolean chat,
        String idField, String output, int maxNewTokens, String criterion, Double threshold, long checkpointMillis)
        implements Serializable {

    public AnnotateJobConfig {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("at least one input file is required");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be >= 1 but was " + maxNewTokens);
        }
        inputs = List.copyOf(inputs);
    }
}
