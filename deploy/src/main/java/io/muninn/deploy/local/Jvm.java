package io.muninn.deploy.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the cluster's JVMs. */
final class Jvm {
    private Jvm() {}

    /** Opened for Flink's serializers and Kryo on Java 17 (what Flink's own launch scripts pass). */
    static final List<String> FLINK_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Keeps DJL's tokenizer from phoning home and from fetching a CUDA build (no network calls beyond loopback), and lets ND4J allocate
     * native memory without JavaCPP's per-allocation physical-memory check.
     */
    static final List<String> MUNINN_PROPERTIES = List.of(
            "-DOPT_OUT_TRACKING=true", "-Doffline=true", "-DRUST_FLAVOR=cpu",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-Dorg.bytedeco.javacpp.maxbytes=0");

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classpath(Path libDir) {
        return libDir.toAbsolutePath() + "/*";
    }

    static List<String> command(List<String> jvmArgs, Path libDir, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath(libDir));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
