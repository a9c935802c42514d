package io.muninn.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Where a command's job runs: in this process (a MiniCluster), under {@code flink run}, or on a remote cluster. */
public final class Environments {
    private Environments() {}

    /**
     * @param jobManager {@code host:port} of a cluster's REST endpoint, or null for this process (or the cluster of
     *                   {@code flink run})
     * @param jobJar     the shaded job jar to ship to a remote cluster
     * @param flink      Flink configuration for the job (e.g. {@code -D} options); under {@code flink run} the
     *                   cluster's configuration is merged with it. The job reads {@code muninn.*} options from
     *                   {@code env.getConfiguration()}.
     */
    public static StreamExecutionEnvironment of(String jobManager, Path jobJar, int parallelism, Configuration flink) {
        StreamExecutionEnvironment env;
        if (jobManager == null) {
            env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        } else {
            int colon = jobManager.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--jobmanager must be host:port but was '" + jobManager + "'");
            }
            if (jobJar == null || !Files.isRegularFile(jobJar)) {
                throw new IllegalArgumentException("--job-jar " + jobJar + " does not exist; build it with "
                        + "`mvn -pl jobs -am package -DskipTests` (jobs/target/muninn-jobs-*-job.jar)");
            }
            env = StreamExecutionEnvironment.createRemoteEnvironment(jobManager.substring(0, colon),
                    Integer.parseInt(jobManager.substring(colon + 1)), flink, jobJar.toString());
        }
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        return env;
    }
}
