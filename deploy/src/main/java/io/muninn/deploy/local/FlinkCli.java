package io.muninn.deploy.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Flink's own command line ({@code flink run}, i.e. {@code CliFrontend}) against the local cluster. */
public final class FlinkCli {
    private static final Pattern SUBMITTED = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");

    private final ClusterLayout layout;

    FlinkCli(ClusterLayout layout) {
        this.layout = layout;
    }

    /**
     * {@code flink run --detached [-p parallelism] [-s savepoint] jobJar programArgs...}: the job jar's main class runs
     * in this client, builds the job graph and submits it with the jar to the JobManager. Returns the job id.
     */
    public String run(Path jobJar, int parallelism, String savepoint, List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of("run", "--detached"));
        if (parallelism > 0) {
            args.add("--parallelism");
            args.add(Integer.toString(parallelism));
        }
        if (savepoint != null) {
            args.add("--fromSavepoint");
            args.add(savepoint);
        }
        args.add(jobJar.toString());
        args.addAll(programArgs);
        String out = invoke(args);
        Matcher m = SUBMITTED.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink run did not report a job id:\n" + out);
        }
        return m.group(1);
    }

    private String invoke(List<String> args) {
        List<String> jvm = new ArrayList<>(Jvm.FLINK_OPENS);
        jvm.addAll(Jvm.MUNINN_PROPERTIES);
        jvm.add("-Dlog.file=" + layout.logDir().resolve("flink-client.log"));
        jvm.add("-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j-flink.properties"));
        jvm.add("-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j-flink.properties"));
        List<String> cmd = Jvm.command(jvm, layout.flinkLib(), "org.apache.flink.client.cli.CliFrontend", args);
        return NodeProcess.runToCompletion("flink " + String.join(" ", args), cmd, FlinkProcesses.environment(layout),
                layout.logDir().resolve("flink-client.out"), Duration.ofSeconds(300));
    }
}
