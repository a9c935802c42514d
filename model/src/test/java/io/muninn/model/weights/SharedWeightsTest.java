package io.muninn.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The JVM's registry of loaded weights: sharing by key, reference counting, concurrent and failed loads. */
class SharedWeightsTest {
    /** {@link WeightsLoaderTest}'s tiny model: 2632 FP32 parameters, tied head, no RoPE buffer. */
    private static final long TINY_BYTES = 2632L * Float.BYTES;

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** WeightsLoader, counting its calls. */
    private static final class CountingLoader implements Function<Path, ModelWeights> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ModelWeights apply(Path modelDir) {
            calls.incrementAndGet();
            return WeightsLoader.load(modelDir);
        }
    }

    private Path model(String name) {
        try {
            return TinyModel.create().write(Files.createDirectories(dir.resolve(name)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSameDirectorySharesOneCopyWhateverItsSpelling() throws Exception {
        Path model = model("m");
        Path link = Files.createSymbolicLink(dir.resolve("link"), model);
        CountingLoader loader = new CountingLoader();
        SharedWeights registry = new SharedWeights(loader);

        try (SharedWeights.Lease first = registry.acquire(model);
                SharedWeights.Lease second = registry.acquire(dir.resolve("other/../m"));
                SharedWeights.Lease third = registry.acquire(link)) {
            assertThat(second.weights()).isSameAs(first.weights());
            assertThat(third.weights()).isSameAs(first.weights());
            assertThat(loader.calls).hasValue(1);
            assertThat(first.loadedIt()).isTrue();
            assertThat(second.loadedIt()).isFalse();
            assertThat(first.users()).isEqualTo(3);
            assertThat(first.key().directory()).isEqualTo(model.toRealPath());
            assertThat(first.bytes()).isEqualTo(TINY_BYTES).isEqualTo(first.weights().bytes());
            assertThat(registry.usage(link)).isEqualTo(new SharedWeights.Usage(first.key(), 3, 3, 1, TINY_BYTES));
        }
    }

    @Test
    void anotherDirectoryLoadsItsOwnCopy() {
        CountingLoader loader = new CountingLoader();
        SharedWeights registry = new SharedWeights(loader);

        try (SharedWeights.Lease a = registry.acquire(model("a"));
                SharedWeights.Lease b = registry.acquire(model("b"))) {
            assertThat(b.weights()).isNotSameAs(a.weights());
            assertThat(b.weights().embedding()).isNotSameAs(a.weights().embedding());
            assertThat(loader.calls).hasValue(2);
            assertThat(a.users()).isEqualTo(1);
            assertThat(b.users()).isEqualTo(1);
        }
    }

    @Test
    void theLastReleaseFreesTheArraysAndTheNextAcquireLoadsAgain() {
        Path model = model("m");
        CountingLoader loader = new CountingLoader();
        SharedWeights registry = new SharedWeights(loader);
        SharedWeights.Lease first = registry.acquire(model);
        SharedWeights.Lease second = registry.acquire(model);
        ModelWeights weights = first.weights();
        List<INDArray> arrays = weights.arrays();
        assertThat(arrays).hasSize(3 + 4 * 10); // embedding (= head), adapter, ln_f, 10 per layer

        first.close();
        first.close(); // a second close releases nothing more
        assertThat(second.users()).isEqualTo(1);
        assertThat(arrays).noneMatch(INDArray::wasClosed);
        assertThat(second.weights().embedding().getFloat(0, 0)).isEqualTo(TinyModel.value("transformer.wte.weight", 0));
        assertThatThrownBy(first::weights).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");

        second.close();
        assertThat(arrays).as("native buffers freed with the last user").allMatch(INDArray::wasClosed);
        assertThat(registry.usage(model).users()).isZero();
        assertThat(registry.usage(model).peakUsers()).isEqualTo(2);

        try (SharedWeights.Lease again = registry.acquire(model)) {
            assertThat(loader.calls).hasValue(2);
            assertThat(again.loadedIt()).isTrue();
            assertThat(again.weights()).isNotSameAs(weights);
            assertThat(again.weights().embedding().wasClosed()).isFalse();
            assertThat(registry.usage(model)).extracting(SharedWeights.Usage::loads, SharedWeights.Usage::users,
                    SharedWeights.Usage::peakUsers).containsExactly(2L, 1, 1);
        }
    }

    @Test
    void concurrentAcquiresLoadOnce() throws Exception {
        Path model = model("m");
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        SharedWeights registry = new SharedWeights(m -> {
            calls.incrementAndGet();
            await(go); // every caller is inside acquire before the load completes
            return WeightsLoader.load(m);
        });

        List<Future<SharedWeights.Lease>> leases = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            leases.add(threads.submit(() -> registry.acquire(model)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (registry.usage(model).users() < callers && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(registry.usage(model).users()).isEqualTo(callers);
        go.countDown();

        List<SharedWeights.Lease> held = new ArrayList<>();
        for (Future<SharedWeights.Lease> f : leases) {
            held.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(calls).hasValue(1);
        assertThat(held).extracting(SharedWeights.Lease::weights).allMatch(w -> w == held.get(0).weights());
        assertThat(held).filteredOn(SharedWeights.Lease::loadedIt).hasSize(1);
        assertThat(registry.usage(model)).extracting(SharedWeights.Usage::loads, SharedWeights.Usage::users)
                .containsExactly(1L, callers);
        assertThat(held.get(0).bytes()).isEqualTo(TINY_BYTES);
        held.forEach(SharedWeights.Lease::close);
        assertThat(registry.usage(model).users()).isZero();
    }

    @Test
    void aFailedLoadFailsItsWaitersAndTheNextAcquireLoadsAgain() throws Exception {
        Path model = model("m");
        CountDownLatch waiterIn = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        SharedWeights registry = new SharedWeights(m -> {
            if (calls.incrementAndGet() == 1) {
                await(waiterIn);
                throw new CheckpointException("disk on fire");
            }
            return WeightsLoader.load(m);
        });

        Future<SharedWeights.Lease> loading = threads.submit(() -> registry.acquire(model));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Future<SharedWeights.Lease> waiting = threads.submit(() -> registry.acquire(model));
        while (registry.usage(model).users() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(registry.usage(model).users()).as("the second caller waits on the first one's load").isEqualTo(2);
        waiterIn.countDown();

        assertThatThrownBy(() -> loading.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(CheckpointException.class).hasMessage("disk on fire");
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disk on fire")
                .hasCauseInstanceOf(CheckpointException.class);
        assertThat(registry.usage(model)).extracting(SharedWeights.Usage::loads, SharedWeights.Usage::users)
                .containsExactly(0L, 0);

        try (SharedWeights.Lease lease = registry.acquire(model)) {
            assertThat(calls).hasValue(2);
            assertThat(lease.loadedIt()).isTrue();
            assertThat(lease.users()).isEqualTo(1);
            assertThat(lease.weights().parameterCount()).isEqualTo(2632);
            assertThat(registry.usage(model).loads()).isEqualTo(1);
        }
    }

    @Test
    void aMissingModelFailsWithTheLoadersMessageAndIsNotKept() {
        SharedWeights registry = new SharedWeights(WeightsLoader::load);
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> registry.acquire(missing)).hasMessageContaining("config.json");
        assertThat(registry.usage(missing).users()).isZero();
    }

    @Test
    void weightsAcquiredInsideAWorkspaceScopeLiveOutsideIt() {
        Path model = model("m");
        SharedWeights registry = new SharedWeights(WeightsLoader::load);
        WorkspaceConfiguration config = WorkspaceConfiguration.builder().initialSize(1 << 20)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
        SharedWeights.Lease lease;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "shared-weights-test")) {
            assertThat(Nd4j.create(2, 2).isAttached()).as("this scope does attach new arrays").isTrue();
            lease = registry.acquire(model);
        }
        try (lease) {
            assertThat(lease.weights().arrays()).noneMatch(INDArray::isAttached);
            // reuse the arena: arrays attached to it would now be overwritten
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "shared-weights-test")) {
                Nd4j.valueArrayOf(new long[] {64, 64}, 7f);
            }
            ModelWeights fresh = WeightsLoader.load(model);
            assertThat(lease.weights().embedding()).isEqualTo(fresh.embedding());
            assertThat(lease.weights().core().get(1).mlpFc()).isEqualTo(fresh.core().get(1).mlpFc());
        } finally {
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
