package io.muninn.jobs.generate;

import static io.muninn.jobs.KafkaIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.flink.TestRequests;
import io.muninn.jobs.KafkaIO;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.Decoded;
import io.muninn.schemas.codec.JsonRecordWriter;
import io.muninn.schemas.codec.PromptCodec;
import io.muninn.schemas.codec.Rejection;
import io.muninn.schemas.codec.SchemaHistory;
import io.muninn.schemas.codec.SingleObjectEncoding;
import io.muninn.schemas.codec.SingleObjectReader;
import io.muninn.schemas.validate.RequestValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * GenerateJob end to end against a real in-JVM Kafka broker and a MiniCluster: valid requests (Avro and JSON)
 * interleaved with every kind of bad input. Each bad record lands on the rejected topic with the field named, the
 * job keeps running, every valid request completes exactly once, and a {@code read_committed} consumer sees each
 * request's tokens once, without gaps.
 */
class GenerateJobITCase extends GenerateJobFixture {
    private static final int VALID = 16;

    @Test
    void badInputIsRejectedWithItsFieldWhileEveryValidRequestCompletesExactlyOnce() throws Exception {
        GenerateJobConfig config = configWithTopics("it1-");

        // value -> the field its rejection must name (null: valid)
        Map<byte[], String> records = new LinkedHashMap<>();
        byte[] avro = SingleObjectEncoding.encode(TestRequests.tokens("x", 4, 90, 1));
        byte[] badAvro = Arrays.copyOf(avro, 14);
        badAvro[12] = (byte) 0xFF;
        badAvro[13] = (byte) 0xFF;
        byte[] unknownFingerprint = avro.clone();
        unknownFingerprint[2] ^= 0x5A;
        Integer[] tooLong = new Integer[70];
        Arrays.fill(tooLong, 7);
        for (int i = 0; i < VALID; i++) {
            PromptRequest r = TestRequests.tokens("ok-" + i, 3 + i % 4, 90, 1 + i, 2 + 2 * i % 80, 5);
            records.put(i % 2 == 0 ? SingleObjectEncoding.encode(r) : utf8(JsonRecordWriter.write(r)), null);
            switch (i) {
                case 0 -> records.put(badAvro, "input.prompt"); // the decoder names where the data breaks off
                case 1 -> records.put(unknownFingerprint, "fingerprint");
                case 2 -> records.put(utf8("{\"request_id\": \"broken\", \"input\": {"), "payload");
                case 3 -> records.put(utf8("{\"input\": {\"token_ids\": [90, 1]}}"), "request_id");
                case 4 -> records.put(utf8("{\"request_id\": \"empty\", \"input\": {\"prompt\": \"\"}}"), "input.prompt");
                case 5 -> records.put(SingleObjectEncoding.encode(TestRequests.tokens("too-long", 4, tooLong)), "input");
                case 6 -> records.put(SingleObjectEncoding.encode(TestRequests.tokens("zero-tokens", 0, 90, 1)), "generation.max_new_tokens");
                case 7 -> records.put(utf8("{\"request_id\": \"nan\", \"input\": {\"token_ids\": [90, 1]}, "
                        + "\"generation\": {\"max_new_tokens\": 4, \"threshold\": \"NaN\"}}"), "generation.threshold");
                case 8 -> records.put(utf8("{\"request_id\": \"negative\", \"input\": {\"token_ids\": [90, 1]}, "
                        + "\"generation\": {\"max_new_tokens\": 4, \"threshold\": -0.5}}"), "generation.threshold");
                case 9 -> records.put(utf8("{\"request_id\": \"magic\", \"input\": {\"token_ids\": [90, 1]}, "
                        + "\"generation\": {\"max_new_tokens\": 4, \"criterion\": \"magic\"}}"), "generation.criterion");
                case 10 -> {
                    records.put(SingleObjectEncoding.encode(TestRequests.tokens("dup", 8, 90, 3, 4)), null);
                    records.put(SingleObjectEncoding.encode(TestRequests.tokens("dup", 8, 90, 3, 4)), "request_id");
                }
                case 11 -> records.put(new byte[10 * 1024 * 1024], "payload");
                default -> { }
            }
        }
        List<byte[]> values = new ArrayList<>(records.keySet());
        List<String> expectedFields = new ArrayList<>(records.values());
        int valid = (int) expectedFields.stream().filter(f -> f == null).count();
        int rejected = values.size() - valid;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        GenerateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(TINY).setMaxSteps(16)
                .setMaxNewTokens(32).setMaxActiveSequences(8).build());
        JobClient job = env.executeAsync("generate-it");
        try {
            KafkaIO.produce(kafka.bootstrapServers(), config.promptsTopic(), values);

            List<Completion> completions = read(config.completionsTopic(), valid, Completion.class);
            assertThat(completions).extracting(c -> c.getRequestId().toString()).doesNotHaveDuplicates().hasSize(valid);
            assertThat(completions).allSatisfy(c -> assertThat(c.getFinishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP));

            List<RejectedRecord> rejects = read(config.rejectedTopic(), rejected, RejectedRecord.class);
            Map<Long, RejectedRecord> byOffset = rejects.stream()
                    .collect(Collectors.toMap(RejectedRecord::getOffset, r -> r));
            for (int offset = 0; offset < values.size(); offset++) {
                String field = expectedFields.get(offset);
                if (field != null) {
                    assertThat(byOffset).as("offset %s", offset).containsKey((long) offset);
                    RejectedRecord r = byOffset.get((long) offset);
                    assertThat(r.getField()).as("field of %s: %s", offset, r.getReason()).isEqualTo(field);
                    assertThat(r.getSourceTopic()).isEqualTo(config.promptsTopic());
                    assertThat(r.getPayloadSize()).isEqualTo(values.get(offset).length);
                }
            }
            assertThat(rejects).filteredOn(r -> r.getPayloadSize() == 10 * 1024 * 1024).singleElement()
                    .satisfies(r -> {
                        assertThat(r.getReason()).contains("at most 1048576 bytes");
                        assertThat(r.getPayload().remaining()).as("kept payload").isEqualTo(64 * 1024);
                    });

            int expectedTokens = completions.stream().mapToInt(Completion::getGeneratedTokens).sum();
            List<TokenEvent> tokens = read(config.tokensTopic(), expectedTokens, TokenEvent.class);
            Map<String, List<Integer>> indices = new HashMap<>();
            for (TokenEvent t : tokens) {
                indices.computeIfAbsent(t.getRequestId().toString(), k -> new ArrayList<>()).add(t.getIndex());
            }
            for (Completion c : completions) {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < c.getGeneratedTokens(); i++) {
                    expected.add(i);
                }
                assertThat(indices.get(c.getRequestId().toString())).as("token indices of %s", c.getRequestId())
                        .isEqualTo(expected);
            }
        } finally {
            job.cancel().get();
        }
    }

    /**
     * A seeded stream of mutated records (byte flips, inserts, deletes, truncation; dropped fields, wrong types, huge
     * and negative values, empty strings, an unknown criterion, duplicated keys) through the running job: every
     * produced record ends as exactly one completion or one rejection on the rejected topic, and each record the
     * edge's own decoder and validator refuse is rejected at its offset naming the same field.
     */
    @Test
    void aMutatedStreamEndsAsOneCompletionOrOneRejectionPerRecord() throws Exception {
        GenerateJobConfig config = configWithTopics("it-fuzz-");
        RecurrentDepthGeneration generation = RecurrentDepthGeneration.builder().setModel(TINY).setMaxSteps(16)
                .setMaxNewTokens(32).setMaxActiveSequences(8).build();
        PromptCodec codec = PromptCodec.create();
        RequestValidator validator = new RequestValidator(GenerateJob.limits(generation.settings()));

        Random random = new Random(20261205L);
        List<byte[]> values = new ArrayList<>();
        List<String> localField = new ArrayList<>();   // the field the edge rejects it at; null: it passes the edge
        for (int i = 0; i < MUTATED; i++) {
            byte[] value = mutated(TestRequests.tokens("f-" + i, 2, 90, 1 + i % 60, 5), random);
            values.add(value);
            Decoded decoded = codec.decode(value);
            if (decoded instanceof Decoded.Rejected r) {
                localField.add(r.rejection().field());
            } else {
                localField.add(validator.validate(((Decoded.Accepted) decoded).request()).map(Rejection::field)
                        .orElse(null));
            }
        }
        long passing = localField.stream().filter(f -> f == null).count();
        assertThat(passing).as("the stream has requests to complete").isBetween(20L, MUTATED - 50L);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        GenerateJob.build(env, config, generation);
        JobClient job = env.executeAsync("generate-fuzz-it");
        try {
            KafkaIO.produce(kafka.bootstrapServers(), config.promptsTopic(), values);
            List<ConsumerRecord<byte[], byte[]>> out = KafkaIO.readUntil(kafka.bootstrapServers(),
                    List.of(config.completionsTopic(), config.rejectedTopic()), Duration.ofSeconds(240),
                    r -> r.size() >= MUTATED, GRACE);
            var completionReader = new SingleObjectReader<>(Completion.class, SchemaHistory.versions("Completion"));
            var rejectedReader = new SingleObjectReader<>(RejectedRecord.class,
                    SchemaHistory.versions("RejectedRecord"));
            List<Completion> completions = new ArrayList<>();
            Map<Long, RejectedRecord> rejects = new HashMap<>();
            for (var r : out) {
                if (r.topic().equals(config.completionsTopic())) {
                    completions.add(completionReader.read(r.value()));
                } else {
                    RejectedRecord rejected = rejectedReader.read(r.value());
                    assertThat(rejects.put(rejected.getOffset(), rejected)).as("one rejection per offset: %s",
                            rejected).isNull();
                }
            }

            assertThat(rejects.size() + completions.size()).as("rejected %s + completed %s", rejects.size(),
                    completions.size()).isEqualTo(MUTATED);
            for (int offset = 0; offset < MUTATED; offset++) {
                String field = localField.get(offset);
                if (field != null) {
                    assertThat(rejects).as("offset %s is rejected", offset).containsKey((long) offset);
                    assertThat(rejects.get((long) offset).getField()).as("field at offset %s", offset)
                            .isEqualTo(field);
                }
            }
            for (RejectedRecord r : rejects.values()) {
                assertThat(r.getSourceTopic()).isEqualTo(config.promptsTopic());
                assertThat(r.getPayloadSize()).isEqualTo(values.get((int) r.getOffset()).length);
                assertThat(r.getField()).as("%s", r).isNotBlank();
                if (!List.of("payload", "fingerprint").contains(r.getField())) {
                    assertThat(r.getReason()).as("the reason names the field").contains(r.getField());
                }
            }
            // a record the edge passes and the operator refuses (e.g. a request_id a mutation made a duplicate of a
            // running one) is the only other way to a rejection
            long operatorRejected = rejects.keySet().stream().filter(o -> localField.get(o.intValue()) == null).count();
            assertThat(completions.size()).isEqualTo(passing - operatorRejected);
        } finally {
            job.cancel().get();
        }
    }

    private static final int MUTATED = 300;

    /** The request as Avro or JSON, unchanged (a quarter of the time) or with one seeded mutation. */
    private static byte[] mutated(PromptRequest request, Random random) {
        boolean avro = random.nextBoolean();
        byte[] bytes = avro ? SingleObjectEncoding.encode(request) : utf8(JsonRecordWriter.write(request));
        String json = JsonRecordWriter.write(request);
        int from = avro ? SingleObjectEncoding.HEADER_LENGTH : 0;
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> {
                return bytes;
            }
            case 3 -> {
                bytes = bytes.clone();
                int at = from + random.nextInt(bytes.length - from);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                return bytes;
            }
            case 4 -> {
                int at = from + random.nextInt(bytes.length - from + 1);
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                return longer;
            }
            case 5 -> {
                int at = from + random.nextInt(bytes.length - from);
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                return shorter;
            }
            case 6 -> {
                return Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length - 1));
            }
            default -> {
                String[][] edits = {
                        {"\"request_id\":\"[^\"]*\",", ""},                                  // drop a required field
                        {"\"max_new_tokens\":2", "\"max_new_tokens\":\"2\""},               // wrong type
                        {"\"max_new_tokens\":2", "\"max_new_tokens\":99999999999"},          // huge
                        {"\"max_steps\":16", "\"max_steps\":-3"},                            // negative
                        {"\"request_id\":\"[^\"]*\"", "\"request_id\":\"\""},            // empty string
                        {"\"criterion\":\"kl\"", "\"criterion\":\"magic\""},             // unknown value
                        {"\"input\":", "\"input\":{\"prompt\":\"x\"},\"input\":"},       // duplicated key
                        {"\"deadline_ms\":null", "\"deadline_ms\":-1"},                      // negative, allowed
                };
                String[] edit = edits[random.nextInt(edits.length)];
                return utf8(json.replaceFirst(edit[0], edit[1]));
            }
        }
    }
}
