package io.muninn.jobs.annotate;

import java.io.Serializable;
import java.util.List;

/**
 * What AnnotateJob reads, asks and writes.
 *
 * @param inputs          JSONL or CSV files (or directories of them)
 * @param format          JSON lines or CSV files with a header row ({@link RecordFormat})
 * @param template        the prompt, with {@code {field}} placeholders
 * @param chat            send the prompt as one user message through the model's chat template instead of raw text
 * @param idField         the field that identifies a record; records without it are identified by a hash of
 *                        their JSON line
 * @param output          directory for {@code annotations/} and {@code rejected/} JSON lines (exactly-once file sink)
 * @param maxNewTokens    tokens per answer at most
 * @param criterion       exit criterion name ({@code kl}, ..., {@code none})
 * @param threshold       its threshold; null for the criterion's default
 * @param checkpointMillis checkpoint interval; output files are committed at checkpoints and at the end
 * @param kafka           a bounded Kafka range to read instead of files and/or a topic to write rows to; null for
 *                        files only
 * @param totalStepsBudget recurrence steps one answer may spend over all its tokens
 *                        ({@code generation.total_steps_budget}); null for none
 */
public record AnnotateJobConfig(List<String> inputs, RecordFormat format, PromptTemplate template, boolean chat,
        String idField, String output, int maxNewTokens, String criterion, Double threshold, long checkpointMillis,
        KafkaIo kafka, Long totalStepsBudget) implements Serializable {

    /**
     * Kafka instead of files: read {@code inputTopic} from the group's committed offsets (else the beginning) up to
     * the offsets that are latest when the job starts, and/or write rows to {@code outputTopic} exactly-once.
     */
    public record KafkaIo(String bootstrapServers, String inputTopic, String outputTopic, java.util.Properties client)
            implements Serializable {}

    public AnnotateJobConfig(List<String> inputs, RecordFormat format, PromptTemplate template, boolean chat,
            String idField, String output, int maxNewTokens, String criterion, Double threshold, long checkpointMillis) {
        this(inputs, format, template, chat, idField, output, maxNewTokens, criterion, threshold, checkpointMillis, null);
    }

    public AnnotateJobConfig(List<String> inputs, RecordFormat format, PromptTemplate template, boolean chat,
            String idField, String output, int maxNewTokens, String criterion, Double threshold, long checkpointMillis,
            KafkaIo kafka) {
        this(inputs, format, template, chat, idField, output, maxNewTokens, criterion, threshold, checkpointMillis,
                kafka, null);
    }

    public AnnotateJobConfig {
        boolean fromKafka = kafka != null && kafka.inputTopic() != null;
        if ((inputs == null || inputs.isEmpty()) && !fromKafka) {
            throw new IllegalArgumentException("at least one input file (or --input-topic) is required");
        }
        if (output == null) {
            throw new IllegalArgumentException("an output directory is required (rejected records are written there "
                    + "even when the rows also go to Kafka)");
        }
        inputs = inputs == null ? List.of() : inputs;
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be >= 1 but was " + maxNewTokens);
        }
        // every token runs at least one step (annotate leaves min_steps at 0): checked once here, not on every record
        if (totalStepsBudget != null && totalStepsBudget < maxNewTokens) {
            throw new IllegalArgumentException(String.format("--total-steps-budget must be >= %s "
                    + "(--max-new-tokens-per-answer: one step per token at least) but was %s", maxNewTokens,
                    totalStepsBudget));
        }
        inputs = List.copyOf(inputs);
    }
}
