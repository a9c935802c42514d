package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Kafka broker, a Flink JobManager and TaskManagers as real processes on loopback, each stopped by its PID. Used by
 * {@code deploy/local/up} and {@code down} and by the failover test.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ClusterLayout layout;
    private final ClusterPorts ports;
    private final FlinkRest rest;
    private final List<NodeProcess> processes = new ArrayList<>();
    private int taskManagersStarted;

    private final String gpuIndexes;

    private LocalCluster(ClusterLayout layout, ClusterPorts ports, String gpuIndexes) {
        this.layout = layout;
        this.gpuIndexes = gpuIndexes;
        this.ports = ports;
        this.rest = new FlinkRest(ports.restAddress());
    }

    /**
     * What {@link #start} brings up.
     *
     * @param gpu        configure the {@code gpu} external resource: each TaskManager gets one GPU index from
     *                   deploy/local/conf/gpu-discovery.sh
     * @param gpuIndexes the GPU indexes the discovery script hands out instead of asking nvidia-smi, or null
     */
    public record Options(int taskManagers, int slotsPerTaskManager, String taskManagerMemory, boolean gpu,
            String gpuIndexes) {}

    /** Starts the broker, the JobManager and the TaskManagers, and waits until all TaskManagers registered. */
    public static LocalCluster start(ClusterLayout layout, ClusterPorts ports, Options options) {
        LocalCluster cluster = new LocalCluster(layout, ports, options.gpuIndexes());
        try {
            Files.createDirectories(layout.runDir());
            if (!running(layout).isEmpty()) {
                throw new IllegalStateException("a local cluster already runs from " + layout.runDir()
                        + " (PIDs in " + layout.pidDir() + "); stop it with deploy/local/down");
            }
            cluster.processes.add(KafkaBroker.start(layout, ports, START_TIMEOUT));
            FlinkProcesses.writeConfig(layout, ports, options.slotsPerTaskManager(), options.taskManagerMemory(),
                    options.gpu());
            cluster.processes.add(FlinkProcesses.startJobManager(layout));
            for (int i = 0; i < options.taskManagers(); i++) {
                cluster.startTaskManager();
            }
            FlinkProcesses.awaitTaskManagers(cluster.rest, options.taskManagers(), cluster.jobManager(), START_TIMEOUT);
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Starts one more TaskManager (for example, the replacement of a killed one); returns it. */
    public NodeProcess startTaskManager() {
        NodeProcess tm = FlinkProcesses.startTaskManager(layout, "taskmanager-" + (++taskManagersStarted), gpuIndexes);
        processes.add(tm);
        return tm;
    }

    /** Waits until the JobManager counts {@code count} live TaskManagers. */
    public void awaitTaskManagers(int count) {
        FlinkProcesses.awaitTaskManagers(rest, count, jobManager(), START_TIMEOUT);
    }

    public void createTopics(int partitions, List<String> topics) {
        KafkaBroker.createTopics(ports, partitions, topics);
    }

    public FlinkCli cli() {
        return new FlinkCli(layout);
    }

    public FlinkRest rest() {
        return rest;
    }

    public ClusterPorts ports() {
        return ports;
    }

    public ClusterLayout layout() {
        return layout;
    }

    public NodeProcess jobManager() {
        return processes.stream().filter(p -> p.name().equals(FlinkProcesses.JOBMANAGER)).findFirst().orElseThrow();
    }

    /** The TaskManagers started so far that are still alive. */
    public List<NodeProcess> taskManagers() {
        return processes.stream().filter(p -> p.name().startsWith("taskmanager-") && p.isAlive()).toList();
    }

    /** Stops every process: TaskManagers, then the JobManager, then the broker. */
    @Override
    public void close() {
        List<NodeProcess> order = new ArrayList<>(processes);
        java.util.Collections.reverse(order);
        for (NodeProcess p : order) {
            p.stop(Duration.ofSeconds(15));
        }
        processes.clear();
    }

    /** The processes of the cluster in {@code layout.runDir()} that are alive, found by their pid files. */
    public static List<NodeProcess> running(ClusterLayout layout) {
        Path pids = layout.pidDir();
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pids)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted()
                    .map(f -> {
                        String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
                        Optional<NodeProcess> p = NodeProcess.fromPidFile(name, f, layout.logDir().resolve(name + ".out"),
                                "-Dmuninn.cluster=" + layout.runDir());
                        if (p.isEmpty()) {
                            try {
                                Files.deleteIfExists(f);  // a stale pid file of a process that is gone
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        return p;
                    })
                    .flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the cluster of {@code layout} from another JVM: TaskManagers first, the broker last. */
    public static List<NodeProcess> stopAll(ClusterLayout layout) {
        List<NodeProcess> all = new ArrayList<>(running(layout));
        all.sort(java.util.Comparator.comparingInt(LocalCluster::stopOrder));
        for (NodeProcess p : all) {
            p.stop(Duration.ofSeconds(15));
        }
        return all;
    }

    private static int stopOrder(NodeProcess p) {
        if (p.name().startsWith("taskmanager-")) {
            return 0;
        }
        return p.name().equals(FlinkProcesses.JOBMANAGER) ? 1 : 2;
    }
}
