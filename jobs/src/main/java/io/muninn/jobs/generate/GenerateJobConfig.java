package io.muninn.jobs.generate;

import io.muninn.jobs.kafka.OutputFormat;
import java.io.Serializable;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Where GenerateJob reads and writes and how it delivers.
 *
 * @param startFromEarliest read the prompts topic from the beginning when the consumer group has no committed
 *                          offset (otherwise from the end)
 * @param checkpointMillis  checkpoint interval; with exactly-once, tokens become visible to {@code read_committed}
 *                          consumers at each checkpoint
 */
public record GenerateJobConfig(
        String bootstrapServers,
        String promptsTopic,
        String tokensTopic,
        String completionsTopic,
        String rejectedTopic,
        String groupId,
        Properties kafka,
        DeliveryGuarantee delivery,
        String transactionalIdPrefix,
        OutputFormat format,
        boolean startFromEarliest,
        long checkpointMillis,
        int maxPayloadBytes) implements Serializable {

    public GenerateJobConfig {
        require("bootstrap servers", bootstrapServers);
        require("prompts topic", promptsTopic);
        require("tokens topic", tokensTopic);
        require("completions topic", completionsTopic);
        require("rejected topic", rejectedTopic);
        require("consumer group id", groupId);
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            require("transactional id prefix (exactly-once delivery needs one per job)", transactionalIdPrefix);
        }
        if (checkpointMillis < 10) {
            throw new IllegalArgumentException("checkpoint interval must be >= 10 ms but was " + checkpointMillis);
        }
        kafka = kafka == null ? new Properties() : kafka;
    }

    private static void require(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must be set");
        }
    }

    /** Default topic names with the given prefix: {@code <p>prompts}, {@code <p>tokens}, ... */
    public static GenerateJobConfig defaults(String bootstrapServers, String topicPrefix) {
        return new GenerateJobConfig(bootstrapServers, topicPrefix + "prompts", topicPrefix + "tokens",
                topicPrefix + "completions", topicPrefix + "rejected", "muninn-generate", new Properties(),
                DeliveryGuarantee.EXACTLY_ONCE, "muninn-generate", OutputFormat.AVRO, true, 1_000,
                io.muninn.schemas.codec.PromptCodec.DEFAULT_MAX_PAYLOAD_BYTES);
    }

    public GenerateJobConfig withDelivery(DeliveryGuarantee guarantee) {
        return new GenerateJobConfig(bootstrapServers, promptsTopic, tokensTopic, completionsTopic, rejectedTopic,
                groupId, kafka, guarantee, transactionalIdPrefix, format, startFromEarliest, checkpointMillis, maxPayloadBytes);
    }

    public GenerateJobConfig withCheckpointMillis(long millis) {
        return new GenerateJobConfig(bootstrapServers, promptsTopic, tokensTopic, completionsTopic, rejectedTopic,
                groupId, kafka, delivery, transactionalIdPrefix, format, startFromEarliest, millis, maxPayloadBytes);
    }
}
