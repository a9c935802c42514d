package io.muninn.deploy.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/** A real Kafka broker process (KRaft, broker and controller in one node) from the kafka_2.13 jars. */
final class KafkaBroker {
    static final String NAME = "kafka";

    private KafkaBroker() {}

    /** Writes server.properties, formats the log directory on first start, starts the broker and waits for it. */
    static NodeProcess start(ClusterLayout layout, ClusterPorts ports, Duration timeout) {
        Path config = layout.render("server.properties", Map.of(
                "KAFKA_PORT", Integer.toString(ports.kafka()),
                "KAFKA_CONTROLLER_PORT", Integer.toString(ports.kafkaController()),
                "RUN_DIR", layout.runDir().toString()));
        layout.render("log4j-kafka.properties", Map.of());
        if (!Files.exists(layout.kafkaData().resolve("meta.properties"))) {
            format(layout, config);
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m",
                "-Dlog.file=" + layout.logDir().resolve("kafka.log"),
                "-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j-kafka.properties"),
                "-Dmuninn.cluster=" + layout.runDir()));
        NodeProcess broker = NodeProcess.start(NAME,
                Jvm.command(jvm, layout.kafkaLib(), "kafka.Kafka", List.of(config.toString())), Map.of(),
                layout.logDir().resolve("kafka.out"), layout.pidDir().resolve("kafka.pid"));
        awaitReady(broker, ports, timeout);
        return broker;
    }

    private static void format(ClusterLayout layout, Path config) {
        List<String> cmd = Jvm.command(List.of("-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j-kafka.properties"),
                        "-Dlog.file=" + layout.logDir().resolve("kafka.log")),
                layout.kafkaLib(), "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        NodeProcess.runToCompletion("formatting Kafka's log directory", cmd, Map.of(),
                layout.logDir().resolve("kafka-format.out"), Duration.ofSeconds(120));
    }

    private static void awaitReady(NodeProcess broker, ClusterPorts ports, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(ports)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (!broker.isAlive()) {
                        throw new IllegalStateException("the Kafka broker exited; " + broker.tail());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka broker is not ready after " + timeout + "; " + broker.tail());
                    }
                    NodeProcess.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Admin admin(ClusterPorts ports) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ports.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** Creates {@code topics} with {@code partitions} partitions each; existing topics are left as they are. */
    static void createTopics(ClusterPorts ports, int partitions, List<String> topics) {
        try (Admin admin = admin(ports)) {
            for (String t : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + t, e.getCause());
                    }
                }
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics, e);
        }
    }
}
