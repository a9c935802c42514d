package io.muninn.jobs.annotate;

import io.muninn.flink.GenerationStreams;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.flink.RequestEnvelope;
import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Batch annotation: every record of bounded input files (or a bounded Kafka offset range) -> a prompt from a template -> the model's answer, written
 * next to the record as JSON lines with its compute statistics.
 *
 * <pre>
 * FileSource(JSONL lines | CSV records) -> ToRequests (bad record -> rejected/) -> keyBy(request_id)
 *   -> RecurrentDepthOperator -> ToAnnotation -> annotations/ (exactly-once file sink)
 * </pre>
 *
 * Runs in STREAMING mode even though the input is bounded: BATCH mode would sort by key and run sequences one
 * after another, losing the micro-batching. The operator drains every sequence before the job ends.
 */
public final class AnnotateJob {
    private AnnotateJob() {}

    public static void build(StreamExecutionEnvironment env, AnnotateJobConfig config, RecurrentDepthGeneration generation) {
        build(env, config, generation, c -> c);
    }

    /** As {@link #build(StreamExecutionEnvironment, AnnotateJobConfig, RecurrentDepthGeneration)}, with a tap on the
     * completions before they are written (tests inject failures there). */
    static void build(StreamExecutionEnvironment env, AnnotateJobConfig config, RecurrentDepthGeneration generation,
            MapFunction<Completion, Completion> tap) {
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.enableCheckpointing(config.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
        DataStream<InputRecord> records;
        var kafka = config.kafka();
        if (kafka != null && kafka.inputTopic() != null) {
            KafkaSource<String> source = KafkaSource.<String>builder()
                    .setProperties(kafka.client())
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setTopics(kafka.inputTopic())
                    .setGroupId("muninn-annotate")
                    .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                    .setBounded(OffsetsInitializer.latest())
                    .setValueOnlyDeserializer(new SimpleStringSchema())
                    .build();
            records = lines(env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka records")
                    .uid("muninn-annotate-kafka"));
        } else if (config.format() instanceof RecordFormat.Csv) {
            // a CSV field may span lines, so the file is read record by record, not line by line
            FileSource<InputRecord> source = FileSource.forRecordStreamFormat(new CsvRecords(), inputs(config)).build();
            records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "Input records")
                    .uid("muninn-annotate-source");
        } else {
            FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), inputs(config)).build();
            records = lines(env.fromSource(source, WatermarkStrategy.noWatermarks(), "Input records")
                    .uid("muninn-annotate-source"));
        }
        SingleOutputStreamOperator<RequestEnvelope> requests = records
                .process(new ToRequests(config), RequestEnvelope.TYPE)
                .name("Records to prompts").uid("muninn-annotate-requests");
        GenerationStreams out = generation.apply(requests);

        DataStream<String> rows = out.completions()
                .map(tap).returns(out.completions().getType()).name("Completions")
                .map(new ToAnnotation()).returns(Types.STRING).name("Annotation rows").uid("muninn-annotate-rows");
        if (kafka != null && kafka.outputTopic() != null) {
            rows.sinkTo(KafkaSink.<String>builder()
                            .setKafkaProducerConfig(producer(kafka.client()))
                            .setBootstrapServers(kafka.bootstrapServers())
                            .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                                    .setTopic(kafka.outputTopic())
                                    .setValueSerializationSchema(new SimpleStringSchema())
                                    .build())
                            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                            .setTransactionalIdPrefix("muninn-annotate-" + kafka.outputTopic())
                            .build())
                    .name("Kafka annotations").uid("muninn-annotations-kafka");
        }
        rows.sinkTo(lineSink(config.output(), "annotations")).name("Annotations").uid("muninn-annotations-sink");
        out.rejected()
                .map((MapFunction<RejectedRecord, String>) r -> RejectedLine.json(
                        r.getRequestId() == null ? null : r.getRequestId().toString(),
                        r.getField() == null ? null : r.getField().toString(), r.getReason().toString(),
                        java.nio.charset.StandardCharsets.UTF_8.decode(r.getPayload()).toString()))
                .returns(Types.STRING)
                .union(requests.getSideOutput(ToRequests.REJECTED))
                .sinkTo(lineSink(config.output(), "rejected")).name("Rejected").uid("muninn-annotate-rejected-sink");
    }

    private static Path[] inputs(AnnotateJobConfig config) {
        return config.inputs().stream().map(Path::new).toArray(Path[]::new);
    }

    private static DataStream<InputRecord> lines(DataStream<String> lines) {
        return lines.map(InputRecord::line).returns(InputRecord.class).name("Lines");
    }

    private static java.util.Properties producer(java.util.Properties client) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(client);
        p.putIfAbsent("transaction.timeout.ms", "600000");
        return p;
    }

    private static FileSink<String> lineSink(String dir, String name) {
        return FileSink.forRowFormat(new Path(dir, name), new SimpleStringEncoder<String>()).build();
    }
}
