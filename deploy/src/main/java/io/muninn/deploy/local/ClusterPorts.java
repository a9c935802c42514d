package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The loopback ports of the local cluster. */
public record ClusterPorts(int kafka, int kafkaController, int jobManagerRpc, int rest) {

    /** Kafka's and Flink's own defaults: 9092/9093, 6123, and the REST API (web UI) on 8081. */
    public static ClusterPorts defaults() {
        return new ClusterPorts(9092, 9093, 6123, 8081);
    }

    /** Free ports picked by the kernel, for tests that must not collide with a running cluster. */
    public static ClusterPorts free() {
        return new ClusterPorts(freePort(), freePort(), freePort(), freePort());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafka;
    }

    public String restAddress() {
        return "http://127.0.0.1:" + rest;
    }
}
