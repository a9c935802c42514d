package io.muninn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory per benchmark mode, from Linux's /proc: {@link #resetPeak} before a mode,
 * {@link #peakMb} after it. ND4J's buffers live outside the Java heap, so the heap's numbers do not show them.
 */
final class ResidentMemory {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Resets the kernel's peak (VmHWM) to the current resident size; false where that is not possible. */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5"); // Linux >= 4.0: reset the peak resident set size
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The peak resident MB since the last reset, or -1 where /proc has no VmHWM. */
    static long peakMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024; // kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
