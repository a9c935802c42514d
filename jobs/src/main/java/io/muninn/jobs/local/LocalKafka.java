package io.muninn.jobs.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka broker inside this JVM (Kafka's own {@code KafkaClusterTestKit}), listening on
 * loopback, for {@code muninn demo} and the integration tests. Internal topics use replication factor 1, so
 * consumer groups and transactions work on one node. Its data lives in a temporary directory removed on close.
 */
public final class LocalKafka implements AutoCloseable {
    /** Large enough for the 10 MB bad-input case to reach the job (which then rejects it by size). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts the broker; returns once it accepts clients (1-3 s). */
    public static LocalKafka start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES))
                .setConfigProp("transaction.max.timeout.ms", "900000")
                .setDeleteOnClose(true)
                .build();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream())); // format() prints its metadata there
            cluster.format();
            System.setOut(stdout);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            System.setOut(stdout);
            cluster.close();
            throw e;
        }
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics with {@code partitions} partitions each, waiting until they exist. */
    public void createTopics(int partitions, String... names) throws Exception {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates topics with {@code partitions} partitions each and {@code configs} on top of the broker's message size
     * limit (e.g. {@code message.timestamp.type=LogAppendTime}), waiting until they exist.
     */
    public void createTopics(int partitions, Map<String, String> configs, String... names) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.putIfAbsent("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = java.util.Arrays.stream(names)
                    .map(n -> new NewTopic(n, partitions, (short) 1).configs(all))
                    .toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
