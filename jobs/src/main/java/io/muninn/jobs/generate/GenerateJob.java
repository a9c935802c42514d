package io.muninn.jobs.generate;

import io.muninn.flink.GenerationSettings;
import io.muninn.flink.GenerationStreams;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.flink.RequestEnvelope;
import io.muninn.jobs.kafka.DecodeRequests;
import io.muninn.jobs.kafka.KeyedRecordSerializer;
import io.muninn.jobs.kafka.RawRecord;
import io.muninn.jobs.kafka.RawRecordDeserializer;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.validate.RequestLimits;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka prompts -> tokens, completions and rejected topics:
 *
 * <pre>
 * KafkaSource(prompts) -> DecodeRequests (bad record -> rejected) -> keyBy(request_id)
 *   -> RecurrentDepthOperator -> tokens topic | completions topic | rejected topic
 * </pre>
 *
 * Exactly-once by default: the sinks write in Kafka transactions committed at each checkpoint, so a
 * {@code read_committed} consumer sees every token and completion once, even across failures. Every output record
 * is keyed by {@code request_id}, so one request's tokens stay in order in one partition.
 */
public final class GenerateJob {
    public static final String SOURCE_UID = "muninn-prompts-source";
    public static final String DECODE_UID = "muninn-decode";

    private GenerateJob() {}

    /** Adds the job's graph to {@code env} and turns on checkpointing. */
    public static void build(StreamExecutionEnvironment env, GenerateJobConfig config, RecurrentDepthGeneration generation) {
        env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
                .setProperties(config.kafka())
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.promptsTopic())
                .setGroupId(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        config.startFromEarliest() ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST))
                .setDeserializer(new RawRecordDeserializer())
                .build();
        DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka prompts")
                .uid(SOURCE_UID);
        SingleOutputStreamOperator<RequestEnvelope> requests = raw
                .process(new DecodeRequests(limits(generation.settings()), config.maxPayloadBytes()), RequestEnvelope.TYPE)
                .name("Decode and validate")
                .uid(DECODE_UID);
        GenerationStreams out = generation.apply(requests);

        out.tokens().sinkTo(sink(config, config.tokensTopic(), "tokens", TokenEvent::getRequestId))
                .name("Kafka tokens").uid("muninn-tokens-sink");
        out.completions().sinkTo(sink(config, config.completionsTopic(), "completions", Completion::getRequestId))
                .name("Kafka completions").uid("muninn-completions-sink");
        out.rejected().union(requests.getSideOutput(DecodeRequests.REJECTED))
                .sinkTo(sink(config, config.rejectedTopic(), "rejected", RejectedRecord::getRequestId))
                .name("Kafka rejected").uid("muninn-rejected-sink");
    }

    /** What the edge can check before the model: block size, vocabulary, step and token caps, criterion names. */
    static RequestLimits limits(GenerationSettings s) {
        ModelConfig model = ConfigReader.read(Path.of(s.modelPath(), ConfigReader.FILE_NAME));
        int maxSteps = s.maxSteps() > 0 ? s.maxSteps() : model.meanRecurrence();
        return new RequestLimits(model.blockSize(), model.vocabSize(), Math.min(s.maxNewTokens(), model.blockSize()),
                maxSteps, ExitCriterion.NAMES);
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(GenerateJobConfig config, String topic, String name,
            SerializableFunction<T, CharSequence> key) {
        Properties producer = new Properties();
        producer.putAll(config.kafka());
        // below the broker's transaction.max.timeout.ms (15 min by default), above any sane checkpoint interval
        producer.putIfAbsent("transaction.timeout.ms", "600000");
        var builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(producer)
                .setBootstrapServers(config.bootstrapServers())
                .setRecordSerializer(new KeyedRecordSerializer<>(topic, config.format(), key))
                .setDeliveryGuarantee(config.delivery());
        if (config.delivery() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name);
        }
        return builder.build();
    }
}
