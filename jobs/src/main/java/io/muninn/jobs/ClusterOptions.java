package io.muninn.jobs;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a job runs: in-process (the default) or submitted to a Flink cluster; shared by generate, annotate and sql. */
public final class ClusterOptions {
    @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0 = the environment's default.")
    public int parallelism;

    @Option(names = "--jobmanager", description = "host:port of a Flink cluster's REST endpoint to submit to.")
    public String jobManager;

    @Option(names = "--job-jar", description = "Shaded job jar shipped with --jobmanager (generate's and sql's "
            + "default: jobs/target/muninn-jobs-<version>-job.jar).")
    public Path jobJar;
}
