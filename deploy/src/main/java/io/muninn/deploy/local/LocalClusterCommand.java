package io.muninn.deploy.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deploy/local/up}, {@code down} and {@code status}: Muninn on real Kafka and Flink processes on loopback. */
@Command(name = "local-cluster", mixinStandardHelpOptions = true,
        subcommands = {LocalClusterCommand.Up.class, LocalClusterCommand.Down.class, LocalClusterCommand.Status.class},
        description = "A Kafka broker, a Flink JobManager and TaskManagers as processes on loopback.")
public final class LocalClusterCommand {
    static final List<String> TOPICS = List.of("muninn-prompts", "muninn-tokens", "muninn-completions", "muninn-rejected");

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalClusterCommand()).execute(args));
    }

    static class RunDir {
        @Option(names = "--run-dir", defaultValue = "deploy/local/run",
                description = "Configuration, logs, PIDs, Kafka data, checkpoints and savepoints (default: ${DEFAULT-VALUE}).")
        Path runDir;

        ClusterLayout layout() {
            return new ClusterLayout(ClusterLayout.findRepoRoot(Path.of("")), runDir);
        }
    }

    /** The TaskManager processes {@code up} starts. */
    static final class TaskManagerProcesses {
        @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "1", description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--taskmanager-memory", defaultValue = "2g", description = "taskmanager.memory.process.size (default: ${DEFAULT-VALUE}).")
        String taskManagerMemory;

        @Option(names = "--gpu", description = "Give each TaskManager one GPU through Flink's external resource "
                + "framework (needs nvidia-smi and a job jar built with -Pcuda).")
        boolean gpu;

        LocalCluster.Options options() {
            return new LocalCluster.Options(taskManagers, slots, taskManagerMemory, gpu, null);
        }
    }

    /** The ports {@code up} listens on: the broker's (its controller takes the next one) and the REST API's. */
    static final class Ports {
        @Option(names = "--rest-port", defaultValue = "8081", description = "The JobManager's REST API and web UI (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(names = "--kafka-port", defaultValue = "9092", description = "The broker's listener; the controller takes the next port (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        ClusterPorts ports() {
            return new ClusterPorts(kafkaPort, kafkaPort + 1, 6123, restPort);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the broker, the JobManager and the TaskManagers, create the topics and submit "
                    + "GenerateJob (exactly-once) with the job jar.")
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        RunDir dir;

        @CommandLine.Mixin
        TaskManagerProcesses processes;

        @CommandLine.Mixin
        Ports ports;

        @Option(names = "--model", defaultValue = "models/huginn-tiny-chains", description = "Model directory for GenerateJob (default: ${DEFAULT-VALUE}).")
        Path model;

        @Option(names = "--parallelism", defaultValue = "2", description = "GenerateJob's parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--format", defaultValue = "JSON", description = "GenerateJob's output values: JSON (readable "
                + "with the console consumer) or AVRO (single-object encoding) (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--no-job", description = "Start the processes only; submit nothing.")
        boolean noJob;

        @Override
        public Integer call() throws IOException {
            ClusterLayout layout = dir.layout();
            ClusterPorts ports = this.ports.ports();
            LocalCluster cluster = LocalCluster.start(layout, ports, processes.options());
            cluster.createTopics(2, TOPICS);
            System.out.printf("local cluster up: Kafka at %s, Flink web UI at %s, %d TaskManagers, logs in %s%n",
                    ports.bootstrapServers(), ports.restAddress(), processes.taskManagers, layout.logDir());
            if (!noJob) {
                List<String> args = generateArgs(ports, layout.repoRoot().resolve(model).toAbsolutePath(), TOPICS, "muninn-generate", 32);
                // GenerateJob's own --parallelism too: with flink run's -p alone it runs at parallelism.default
                args.addAll(List.of("--format", format, "--parallelism", Integer.toString(parallelism)));
                String job = cluster.cli().run(layout.jobJar(), parallelism, null, args);
                System.out.printf("GenerateJob %s: %s -> %s, %s, %s%n", job, TOPICS.get(0), TOPICS.get(1), TOPICS.get(2), TOPICS.get(3));
            }
            System.out.printf("produce a prompt:  %s%n", consoleTool(layout, ports, "ConsoleProducer", TOPICS.get(0)));
            System.out.printf("watch the tokens:  %s --isolation-level read_committed%n",
                    consoleTool(layout, ports, "consumer.ConsoleConsumer", TOPICS.get(1)));
            System.out.printf("stop everything:   deploy/local/down%n");
            return 0;
        }
    }

    /**
     * GenerateJob's program arguments on the local cluster (what {@code flink run job.jar ...} passes): its four
     * topics (prompts, tokens, completions, rejected), {@code id} as consumer group and transactional-id prefix,
     * the model and the step cap.
     */
    public static List<String> generateArgs(ClusterPorts ports, Path model, List<String> topics, String id, int maxSteps) {
        return new ArrayList<>(List.of("generate", "--detached",
                "--bootstrap-servers", ports.bootstrapServers(),
                "--prompts-topic", topics.get(0), "--tokens-topic", topics.get(1),
                "--completions-topic", topics.get(2), "--rejected-topic", topics.get(3),
                "--group-id", id, "--transactional-id-prefix", id,
                "--model", model.toString(), "--max-steps", Integer.toString(maxSteps)));
    }

    /** The command line of one of Kafka's console tools on the broker's class path. */
    static String consoleTool(ClusterLayout layout, ClusterPorts ports, String tool, String topic) {
        return "java -cp '" + layout.repoRoot().relativize(layout.kafkaLib()) + "/*' org.apache.kafka.tools." + tool
                + " --bootstrap-server " + ports.bootstrapServers() + " --topic " + topic;
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every process of the cluster by its PID.")
    static final class Down implements Callable<Integer> {
        @CommandLine.Mixin
        RunDir dir;

        @Override
        public Integer call() {
            List<NodeProcess> stopped = LocalCluster.stopAll(dir.layout());
            if (stopped.isEmpty()) {
                System.out.println("no local cluster runs from " + dir.layout().runDir());
            }
            for (NodeProcess p : stopped) {
                System.out.println("stopped " + p);
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "List the cluster's live processes and jobs.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        RunDir dir;

        @Option(names = "--rest-port", defaultValue = "8081", description = "The JobManager's REST port (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Override
        public Integer call() {
            List<NodeProcess> live = LocalCluster.running(dir.layout());
            for (NodeProcess p : live) {
                System.out.println(p + ", log " + p.log());
            }
            if (live.isEmpty()) {
                System.out.println("no local cluster runs from " + dir.layout().runDir());
                return 1;
            }
            try {
                for (FlinkRest.Job j : new FlinkRest("http://127.0.0.1:" + restPort).jobs()) {
                    System.out.println("job " + j.id() + " " + j.name() + ": " + j.state());
                }
            } catch (IOException e) {
                System.out.println("the REST API at 127.0.0.1:" + restPort + " does not answer: " + e.getMessage());
            }
            return 0;
        }
    }
}
