package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.KafkaIO;
import io.muninn.jobs.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Annotation of a bounded Kafka range into a Kafka topic: the job ends by itself and writes every row once. */
class AnnotateKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void readsABoundedRangeAndWritesRowsToATopic(@TempDir Path dir) throws Exception {
        try (LocalKafka kafka = LocalKafka.start()) {
            kafka.createTopics(2, "records", "rows");
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                records.add(KafkaIO.utf8(String.format("{\"id\": \"k-%d\", \"cells\": \"%s\"}", i, "21a2b1".repeat(1 + i % 5))));
            }
            records.add(KafkaIO.utf8("{\"id\": \"bad\"}"));
            KafkaIO.produce(kafka.bootstrapServers(), "records", records);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            AnnotateJobConfig config = new AnnotateJobConfig(List.of(), new RecordFormat.JsonLines(),
                    new PromptTemplate("<|begin_text|>{cells}="), false, "id", dir.toUri().toString(), 4, "kl", null, 200,
                    new AnnotateJobConfig.KafkaIo(kafka.bootstrapServers(), "records", "rows", new Properties()));
            AnnotateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(AnnotateJobITCase.MODEL).build());
            env.execute("annotate-kafka-it"); // bounded: returns when the range is done

            var rows = KafkaIO.readUntil(kafka.bootstrapServers(), "rows", Duration.ofSeconds(60), r -> r.size() >= 20);
            assertThat(rows).hasSize(20);
            assertThat(rows.stream().map(r -> JsonParser.parseString(new String(r.value())).getAsJsonObject()
                    .get("request_id").getAsString())).doesNotHaveDuplicates().hasSize(20);
            assertThat(CommittedFiles.lines(dir.resolve("rejected"))).singleElement().asString()
                    .contains("has no field 'cells'");
        }
    }
}
