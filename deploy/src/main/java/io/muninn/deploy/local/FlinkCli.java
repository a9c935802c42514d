package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        try {
            Files.createDirectories(layout.logDir());
            Path out = layout.logDir().resolve("flink-client.out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(FlinkProcesses.environment(layout));
            Process p = pb.start();
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException("flink " + args.get(0) + " did not finish in 300 s:\n" + text);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("flink " + String.join(" ", args) + " failed (exit " + p.exitValue()
                        + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
