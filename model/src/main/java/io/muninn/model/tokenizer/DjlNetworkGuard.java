package io.muninn.model.tokenizer;

import java.util.Map;
import java.util.Properties;

/**
 * Keeps DJL from reaching the network. DJL's {@code Ec2Utils.callHome} probes a cloud metadata address unless DJL
 * is offline or tracking is opted out, and its native-library loader downloads a CUDA build of the tokenizer when
 * it detects a GPU. Both read their switches when called, environment variable first, then system property.
 *
 * <p>{@link #apply()} sets {@code OPT_OUT_TRACKING}, {@code offline} and {@code ai.djl.offline} to {@code true},
 * and {@code RUST_FLAVOR} to {@code cpu} when neither the environment nor a property sets it (DJL then loads the
 * CPU library bundled in its jar). {@link HfTokenizerBinding}, the only class that references DJL, calls it from its
 * static initializer, which the JVM runs before that class can initialize any DJL class; nothing in Muninn relies
 * on {@code -D} flags. {@link #check} then refuses, before each load, an environment that overrides the properties
 * into going online.
 */
final class DjlNetworkGuard {

    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";
    static final String OFFLINE = "offline";
    static final String DJL_OFFLINE = "ai.djl.offline";
    static final String DJL_OFFLINE_ENV = "DJL_OFFLINE";
    static final String RUST_FLAVOR = "RUST_FLAVOR";
    static final String CPU_FLAVOR = "cpu";

    private DjlNetworkGuard() {}

    /** Sets the system properties; idempotent. */
    static synchronized void apply() {
        System.setProperty(OPT_OUT_TRACKING, "true");
        System.setProperty(OFFLINE, "true");
        System.setProperty(DJL_OFFLINE, "true");
        if (System.getenv(RUST_FLAVOR) == null && System.getProperty(RUST_FLAVOR) == null) {
            System.setProperty(RUST_FLAVOR, CPU_FLAVOR);
        }
    }

    /** {@link #check(Map, Properties)} of this process. */
    static void checkThisProcess() {
        check(System.getenv(), System.getProperties());
    }

    /**
     * Fails if DJL, reading {@code environment} before {@code properties}, would probe the metadata address (offline
     * and opt-out both overridden to false) or pick a native library other than the bundled CPU one.
     *
     * @throws IllegalStateException naming the variable, its value and the fix
     */
    static void check(Map<String, String> environment, Properties properties) {
        String offline = environment.getOrDefault(DJL_OFFLINE_ENV, properties.getProperty(DJL_OFFLINE));
        boolean isOffline = offline != null ? Boolean.parseBoolean(offline)
                : Boolean.parseBoolean(properties.getProperty(OFFLINE));
        String optOut = environment.getOrDefault(OPT_OUT_TRACKING, properties.getProperty(OPT_OUT_TRACKING));
        if (!isOffline && !Boolean.parseBoolean(optOut)) {
            throw new IllegalStateException(String.format(
                    "DJL would probe a cloud metadata address: %s is %s and %s is %s (environment variables override"
                            + " Muninn's system properties); Muninn never makes network calls: unset %s and %s in"
                            + " the environment or set either to true",
                    DJL_OFFLINE_ENV, offline, OPT_OUT_TRACKING, optOut, DJL_OFFLINE_ENV, OPT_OUT_TRACKING));
        }
        String flavor = environment.getOrDefault(RUST_FLAVOR, properties.getProperty(RUST_FLAVOR));
        if (!CPU_FLAVOR.equals(flavor)) {
            throw new IllegalStateException(String.format(
                    "%s is %s; Muninn uses the CPU tokenizer library bundled in DJL's jar and never downloads another:"
                            + " unset %s or set it to %s",
                    RUST_FLAVOR, flavor, RUST_FLAVOR, CPU_FLAVOR));
        }
    }
}
