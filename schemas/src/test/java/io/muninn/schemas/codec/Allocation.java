package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

/** Heap bytes the current thread allocates in a call, from the JVM's per-thread allocation counter. */
final class Allocation {
    /**
     * A bound for "without allocating what the payload claims": a rejection's message and a few small objects come
     * to a few KiB, while the claims in these tests are gigabytes.
     */
    static final long SMALL = 256 * 1024;

    private Allocation() {
    }

    /** Bytes allocated by one run of {@code call} after ten warm-up runs (so class loading and JIT are not counted). */
    static long bytesAllocatedBy(Runnable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).as("this JVM counts allocations per thread").isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        for (int i = 0; i < 10; i++) {
            call.run();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        call.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
