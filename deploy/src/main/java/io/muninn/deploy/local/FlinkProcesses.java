package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flink 2.3 JobManager and TaskManager processes started from Flink's entrypoint classes
 * ({@code StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}) with the JVM memory flags that Flink's own
 * launch scripts compute ({@code BashJavaUtils}), on the class path deploy/runtime-flink assembled.
 */
final class FlinkProcesses {
    /**
     * Fewer malloc arenas, big buffers mapped and returned to the system, and OpenMP workers that sleep instead of
     * spinning beside OpenBLAS's threads (README, notes for operators of the JVM).
     */
    static final Map<String, String> MALLOC = Map.of(
            "MALLOC_ARENA_MAX", "2", "MALLOC_MMAP_THRESHOLD_", "65536", "MALLOC_TRIM_THRESHOLD_", "131072",
            "OMP_WAIT_POLICY", "PASSIVE");

    static final String JOBMANAGER = "jobmanager";

    private FlinkProcesses() {}

    /** Renders config.yaml and the log configuration into the run directory. */
    static void writeConfig(ClusterLayout layout, ClusterPorts ports, int slots, String taskManagerMemory, boolean gpu) {
        String gpuConfig = "";
        if (gpu) {
            gpuConfig = render(layout, "gpu.yaml", Map.of("REPO_ROOT", layout.repoRoot().toString()));
        }
        layout.render("config.yaml", Map.of(
                "JOBMANAGER_RPC_PORT", Integer.toString(ports.jobManagerRpc()),
                "REST_PORT", Integer.toString(ports.rest()),
                "TASK_SLOTS", Integer.toString(slots),
                "TASKMANAGER_PROCESS_SIZE", taskManagerMemory,
                "RUN_DIR", layout.runDir().toString(),
                "GPU_CONFIG", gpuConfig));
        layout.render("log4j-flink.properties", Map.of());
    }

    private static String render(ClusterLayout layout, String template, Map<String, String> values) {
        try {
            return Files.readString(layout.render(template, values), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NodeProcess startJobManager(ClusterLayout layout) {
        List<String> memory = resourceParams(layout, "GET_JM_RESOURCE_PARAMS");
        List<String> jvm = new ArrayList<>(Arrays.asList(memory.get(0).split("\\s+")));
        return start(layout, JOBMANAGER, jvm, "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of(), environment(layout));
    }

    /** Starts TaskManager {@code name}; its resource id is its name, so its log and metrics say which one it is. */
    static NodeProcess startTaskManager(ClusterLayout layout, String name, String gpuIndexes) {
        List<String> memory = resourceParams(layout, "GET_TM_RESOURCE_PARAMS");
        List<String> jvm = new ArrayList<>(Arrays.asList(memory.get(0).split("\\s+")));
        List<String> args = new ArrayList<>(Arrays.asList(memory.get(1).trim().split("\\s+")));
        args.add("-D");
        args.add("taskmanager.resource-id=" + name);
        Map<String, String> env = environment(layout);
        if (gpuIndexes != null) {
            env.put("MUNINN_GPU_INDEXES", gpuIndexes);
        }
        return start(layout, name, jvm, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args, env);
    }

    private static NodeProcess start(ClusterLayout layout, String name, List<String> memoryFlags, String main,
            List<String> extraArgs, Map<String, String> env) {
        List<String> jvm = new ArrayList<>(memoryFlags);
        jvm.addAll(Jvm.FLINK_OPENS);
        jvm.addAll(Jvm.MUNINN_PROPERTIES);
        jvm.add("-Dlog.file=" + layout.logDir().resolve(name + ".log"));
        jvm.add("-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j-flink.properties"));
        jvm.add("-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j-flink.properties"));
        jvm.add("-Dmuninn.cluster=" + layout.runDir());
        List<String> args = new ArrayList<>(List.of("--configDir", layout.confDir().toString()));
        args.addAll(extraArgs);
        return NodeProcess.start(name, Jvm.command(jvm, layout.flinkLib(), main, args), env,
                layout.logDir().resolve(name + ".out"), layout.pidDir().resolve(name + ".pid"));
    }

    /**
     * The environment of every Flink JVM: configuration and plugin folders, no phoning home, and glibc malloc settings
     * that keep ND4J's buffers of changing sizes from fragmenting the heap (as bin/muninn sets them).
     */
    static Map<String, String> environment(ClusterLayout layout) {
        Map<String, String> env = new HashMap<>();
        env.put("FLINK_CONF_DIR", layout.confDir().toString());
        env.put("FLINK_PLUGINS_DIR", layout.flinkPlugins().toString());
        env.put("FLINK_LIB_DIR", layout.flinkLib().toString());
        env.put("FLINK_LOG_DIR", layout.logDir().toString());
        env.put("OPT_OUT_TRACKING", "true");
        env.putAll(MALLOC);
        env.put("MUNINN_GPU_LOCK_DIR", layout.runDir().resolve("gpu-locks").toString());
        return env;
    }

    /**
     * What Flink's launch scripts compute from config.yaml: line 0 holds the JVM flags (-Xmx, -Xms,
     * -XX:MaxDirectMemorySize, -XX:MaxMetaspaceSize), line 1 (TaskManagers) the derived memory settings as
     * {@code -D key=value} arguments.
     */
    private static List<String> resourceParams(ClusterLayout layout, String command) {
        List<String> cmd = Jvm.command(List.of("-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j-flink.properties"),
                        "-Dlog.file=" + layout.logDir().resolve("bash-java-utils.log")),
                layout.flinkLib(), "org.apache.flink.runtime.util.bash.BashJavaUtils",
                List.of(command, "--configDir", layout.confDir().toString()));
        String out = NodeProcess.runToCompletion("BashJavaUtils " + command, cmd, Map.of(),
                layout.logDir().resolve("bash-java-utils.out"), Duration.ofSeconds(60));
        List<String> results = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (results.isEmpty()) {
            throw new IllegalStateException("BashJavaUtils " + command + " printed no result: " + out);
        }
        return results;
    }

    /** Waits until the REST API reports {@code count} TaskManagers. */
    static void awaitTaskManagers(FlinkRest rest, int count, NodeProcess jobManager, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            seen = rest.taskManagers();
            if (seen == count) {
                return;
            }
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited; " + jobManager.tail());
            }
            NodeProcess.sleep(250);
        }
        throw new IllegalStateException("the JobManager reports " + seen + " TaskManagers, not " + count + ", after "
                + timeout + "; " + jobManager.tail());
    }
}
