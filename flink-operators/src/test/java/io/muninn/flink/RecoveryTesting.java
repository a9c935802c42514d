package io.muninn.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * What the MiniCluster tests of the operator and of the jobs share: a cluster of one task manager with two slots, an
 * environment that restarts a failed job, a failure injected once after a completed checkpoint, and the output a
 * file sink has committed.
 */
public final class RecoveryTesting {
    private RecoveryTesting() {
    }

    /** A MiniCluster of one task manager with two slots, for a test class's {@code @RegisterExtension}. */
    public static MiniClusterExtension twoSlotCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** An environment of parallelism 2 that restarts a failed job up to three times, 100 ms apart. */
    public static StreamExecutionEnvironment restartingEnvironment() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    /** Lines of the committed part files under {@code dir} (in-progress and pending files start with a dot). */
    public static List<String> committedLines(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        return out;
    }

    /**
     * Passes records through and throws once, in the first attempt, at the first record after {@code failAfter}
     * records of its subtask once a checkpoint has completed, so the job restores from a checkpoint taken
     * mid-stream. Whether it failed is kept per name in this JVM (the MiniCluster's), since each attempt runs a
     * fresh copy of the function.
     */
    public static final class FailOnce<T> implements MapFunction<T, T>, CheckpointListener {
        private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

        private final String name;
        private final int failAfter;
        private int seen;
        private boolean checkpointed;

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }

        public FailOnce(String name, int failAfter) {
            this.name = name;
            this.failAfter = failAfter;
        }

        /** Arms the failure of {@code name} again, for a run after one that failed. */
        public static void reset(String name) {
            FAILED.remove(name);
        }

        /** Whether the failure of {@code name} was injected. */
        public static boolean failed(String name) {
            return FAILED.contains(name);
        }

        @Override
        public T map(T record) {
            if (++seen >= failAfter && checkpointed && FAILED.add(name)) {
                throw new IllegalStateException("injected failure after " + seen + " records");
            }
            return record;
        }
    }
}
