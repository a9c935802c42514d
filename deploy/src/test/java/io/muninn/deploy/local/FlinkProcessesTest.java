package io.muninn.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment the local cluster gives its Flink JVMs. */
class FlinkProcessesTest {

    @Test
    void flinkJvmsGetTheMallocSettingsAndNoPhoningHome() {
        // the repository's own layout: the Flink plugins folder it names is built before the deploy module's tests
        Map<String, String> env = FlinkProcesses.environment(new ClusterLayout(ClusterLayout.findRepoRoot(Path.of("")), Path.of("/run")));
        assertThat(env).containsEntry("OPT_OUT_TRACKING", "true")
                .containsEntry("MALLOC_ARENA_MAX", "2")
                .containsEntry("OMP_WAIT_POLICY", "PASSIVE")
                .containsEntry("MALLOC_MMAP_THRESHOLD_", "65536")
                .containsEntry("MALLOC_TRIM_THRESHOLD_", "131072")
                .containsEntry("FLINK_CONF_DIR", Path.of("/run").resolve("conf").toString());
    }
}
