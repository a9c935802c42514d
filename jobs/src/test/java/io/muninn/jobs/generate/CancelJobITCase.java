package io.muninn.jobs.generate;

import static io.muninn.jobs.KafkaIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.flink.TestRequests;
import io.muninn.jobs.KafkaIO;
import io.muninn.schemas.Cancellation;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.JsonRecordWriter;
import io.muninn.schemas.codec.SingleObjectEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Cancellation end to end, GenerateJob on a MiniCluster against an in-JVM KRaft broker: once a long request's first
 * token is committed, a JSON cancel record with its key ends it with {@code CANCELLED} and the tokens committed so
 * far, while the requests around it complete normally; a cancel for an unknown request and a duplicate (Avro) cancel
 * are ignored, not rejected.
 */
class CancelJobITCase extends GenerateJobFixture {
    private static final int NORMAL = 6;
    /** The long request: 60 tokens of 1024 steps each (criterion none), about 60,000 recurrence steps. */
    private static final int LONG_TOKENS = 60;
    private static final int LONG_STEPS = 1024;

    @Test
    void aCancelRecordEndsALongRequestWhileOthersCompleteNormally() throws Exception {
        GenerateJobConfig config = configWithTopics("it-cancel-");
        PromptRequest longRequest = PromptRequest.newBuilder()
                .setRequestId("long")
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, 12, 45)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(LONG_TOKENS).setMaxSteps(LONG_STEPS)
                        .setCriterion("none").setStopTokenIds(List.of(95)).build())
                .build();
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        first.add(keyed(config, "long", SingleObjectEncoding.encode(longRequest)));
        first.add(keyed(config, "ghost", utf8("{\"request_id\": \"ghost\", \"cancel\": true}"))); // never sent
        for (int i = 0; i < NORMAL; i++) {
            PromptRequest r = TestRequests.tokens("ok-" + i, 3 + i % 3, 90, 1 + i, 5);
            first.add(keyed(config, r.getRequestId(), i % 2 == 0 ? SingleObjectEncoding.encode(r)
                    : utf8(JsonRecordWriter.write(r))));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        GenerateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(TINY).setMaxSteps(LONG_STEPS)
                .setMaxNewTokens(LONG_TOKENS).setMaxActiveSequences(8).build());
        JobClient job = env.executeAsync("generate-cancel-it");
        try {
            produce(first);
            // the long request is generating once one of its tokens is committed; it has ~59 tokens to go
            KafkaIO.readUntil(kafka.bootstrapServers(), config.tokensTopic(), Duration.ofSeconds(120),
                    records -> records.stream().anyMatch(r -> key(r).equals("long")));
            produce(List.of(
                    keyed(config, "long", utf8("{\"request_id\": \"long\", \"cancel\": true}")),
                    keyed(config, "long", SingleObjectEncoding.encode(Cancellation.of("long"))), // a duplicate
                    keyed(config, "marker", utf8("not a request"))));                             // one rejection

            List<Completion> completions = read(config.completionsTopic(), NORMAL + 1, Completion.class);
            Map<String, Completion> byId = completions.stream()
                    .collect(Collectors.toMap(Completion::getRequestId, Function.identity()));
            assertThat(byId).as("one completion per request, none for the cancels").hasSize(NORMAL + 1);
            Completion cancelled = byId.get("long");
            assertThat(cancelled.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(cancelled.getGeneratedTokens()).isBetween(1, LONG_TOKENS - 1);
            assertThat(cancelled.getStepsPerToken()).containsOnly(LONG_STEPS);
            for (int i = 0; i < NORMAL; i++) {
                assertThat(byId.get("ok-" + i).getFinishReason()).as("ok-%s", i)
                        .isIn(FinishReason.LENGTH, FinishReason.STOP);
            }

            int expectedTokens = completions.stream().mapToInt(Completion::getGeneratedTokens).sum();
            List<TokenEvent> tokens = read(config.tokensTopic(), expectedTokens, TokenEvent.class);
            assertThat(tokens.stream().filter(t -> t.getRequestId().equals("long")).map(TokenEvent::getTokenId))
                    .as("the cancelled completion holds exactly the tokens sent before it")
                    .containsExactlyElementsOf(cancelled.getTokenIds());

            List<RejectedRecord> rejected = read(config.rejectedTopic(), 1, RejectedRecord.class);
            assertThat(rejected).as("only the marker: the unknown and the duplicate cancel are not rejections")
                    .singleElement().satisfies(r -> assertThat(r.getField()).isEqualTo("payload"));
        } finally {
            job.cancel().get();
        }
    }

    private static ProducerRecord<byte[], byte[]> keyed(GenerateJobConfig config, String key, byte[] value) {
        return new ProducerRecord<>(config.promptsTopic(), key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (var record : records) {
                producer.send(record).get();
            }
        }
    }
}
