package io.muninn.model.tokenizer;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run by {@link DjlNetworkGuardTest} in a fresh JVM without Muninn's {@code -D} flags: loads the tokenizer in
 * {@code args[0]}, encodes, and prints the properties DJL reads and whether DJL's telemetry ran.
 */
public final class DjlOfflineProbe {

    private DjlOfflineProbe() {}

    public static void main(String[] args) throws ReflectiveOperationException {
        try (MuninnTokenizer tokenizer = MuninnTokenizer.load(Path.of(args[0]))) {
            System.out.println("ids=" + Arrays.toString(tokenizer.encode("hello world")));
        }
        for (String name : new String[] {"OPT_OUT_TRACKING", "offline", "ai.djl.offline", "RUST_FLAVOR"}) {
            System.out.println(name + "=" + System.getProperty(name));
        }
        // Ec2Utils.callHome stamps lastCheckIn before it contacts the metadata address; 0 means it returned early.
        Field lastCheckIn = Class.forName("ai.djl.util.Ec2Utils").getDeclaredField("lastCheckIn");
        lastCheckIn.setAccessible(true);
        System.out.println("lastCheckIn=" + lastCheckIn.getLong(null));
    }
}
