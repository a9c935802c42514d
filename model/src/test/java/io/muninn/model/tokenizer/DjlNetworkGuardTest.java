package io.muninn.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Muninn keeps DJL offline by itself. Surefire passes {@code -DOPT_OUT_TRACKING=true -Doffline=true}, so the
 * in-process tests alone could not tell; {@link #aFreshJvmWithoutFlagsStaysOffline} runs a JVM without them.
 */
class DjlNetworkGuardTest {

    @Test
    void loadingATokenizerLeavesThePropertiesSet() {
        TestTokenizers.shared();

        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(System.getProperty("offline")).isEqualTo("true");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("RUST_FLAVOR")).isEqualTo("cpu");
    }

    @Test
    void applySetsClearedProperties() {
        Properties saved = (Properties) System.getProperties().clone();
        try {
            System.clearProperty("OPT_OUT_TRACKING");
            System.clearProperty("offline");
            System.clearProperty("ai.djl.offline");
            System.clearProperty("RUST_FLAVOR");

            DjlNetworkGuard.apply();

            assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
            assertThat(System.getProperty("offline")).isEqualTo("true");
            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
            if (System.getenv("RUST_FLAVOR") == null) {
                assertThat(System.getProperty("RUST_FLAVOR")).isEqualTo("cpu");
            }
        } finally {
            System.setProperties(saved);
        }
    }

    @Test
    void aFreshJvmWithoutFlagsStaysOffline() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                DjlOfflineProbe.class.getName(),
                TestTokenizers.byteLevelBpeDir().toString());
        builder.environment().keySet().removeAll(
                List.of("OPT_OUT_TRACKING", "DJL_OFFLINE", "RUST_FLAVOR", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains(
                "ids=[259, 264]",
                "OPT_OUT_TRACKING=true",
                "offline=true",
                "ai.djl.offline=true",
                "RUST_FLAVOR=cpu",
                "lastCheckIn=0");
    }

    @Test
    void acceptsTheDefaultsAndAnEnvironmentThatAgrees() {
        Properties applied = properties("true", "true", "true", "cpu");

        assertThatCode(() -> DjlNetworkGuard.check(Map.of(), applied)).doesNotThrowAnyException();
        assertThatCode(() -> DjlNetworkGuard.check(Map.of("DJL_OFFLINE", "false"), applied))
                .doesNotThrowAnyException();
        assertThatCode(() -> DjlNetworkGuard.check(Map.of("OPT_OUT_TRACKING", "false"), applied))
                .doesNotThrowAnyException();
        assertThatCode(() -> DjlNetworkGuard.check(Map.of("RUST_FLAVOR", "cpu"), applied))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAnEnvironmentThatWouldLetDjlProbeTheMetadataAddress() {
        Map<String, String> online = Map.of("DJL_OFFLINE", "false", "OPT_OUT_TRACKING", "0");

        assertThatThrownBy(() -> DjlNetworkGuard.check(online, properties("true", "true", "true", "cpu")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DJL would probe a cloud metadata address: DJL_OFFLINE is false and OPT_OUT_TRACKING is 0"
                        + " (environment variables override Muninn's system properties); Muninn never makes network"
                        + " calls: unset DJL_OFFLINE and OPT_OUT_TRACKING in the environment or set either to"
                        + " true");
    }

    @Test
    void refusesAnyNativeLibraryButTheBundledCpuOne() {
        assertThatThrownBy(() -> DjlNetworkGuard.check(
                        Map.of("RUST_FLAVOR", "cu124"), properties("true", "true", "true", "cpu")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("RUST_FLAVOR is cu124; Muninn uses the CPU tokenizer library bundled in DJL's jar and"
                        + " never downloads another: unset RUST_FLAVOR or set it to cpu");
        assertThatThrownBy(() -> DjlNetworkGuard.check(Map.of(), properties("true", "true", "true", null)))
                .hasMessageStartingWith("RUST_FLAVOR is null;");
    }

    private static Properties properties(String optOut, String offline, String djlOffline, String flavor) {
        Properties properties = new Properties();
        set(properties, "OPT_OUT_TRACKING", optOut);
        set(properties, "offline", offline);
        set(properties, "ai.djl.offline", djlOffline);
        set(properties, "RUST_FLAVOR", flavor);
        return properties;
    }

    private static void set(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }
}
