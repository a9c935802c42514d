package io.muninn.model.kernel;

import java.util.OptionalInt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Puts the calling thread's ND4J work on an assigned GPU when the CUDA backend is on the class path (the {@code cuda}
 * build profile). With the CPU backend an assigned index is reported and ignored, so a CPU build still runs on a GPU
 * task manager.
 */
public final class Accelerator {
    private Accelerator() {}

    /** Whether ND4J's backend is the CUDA one. */
    public static boolean cudaBackend() {
        return Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).contains("cu");
    }

    /**
     * Binds the calling thread to GPU {@code index} when there is one and the backend can use it.
     *
     * @return the device the thread computes on, in words, for the log
     */
    public static String attachCurrentThread(OptionalInt index) {
        if (index.isEmpty()) {
            return cudaBackend() ? "cuda (default device)" : "cpu";
        }
        if (!cudaBackend()) {
            return String.format("cpu (gpu %s was assigned, but this build has ND4J's CPU backend; build with -Pcuda "
                    + "to use it)", index.getAsInt());
        }
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (index.getAsInt() >= devices) {
            throw new IllegalStateException(String.format(
                    "gpu index %s was assigned but ND4J sees %s devices (indices 0..%s); check CUDA_VISIBLE_DEVICES and "
                            + "the discovery script", index.getAsInt(), devices, devices - 1));
        }
        Nd4j.getAffinityManager().unsafeSetDevice(index.getAsInt()); // binds the calling (task) thread
        return "cuda:" + index.getAsInt();
    }
}
