package io.muninn.model.backend.nd4j;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J memory workspace that holds every temporary array of one recurrence step (the project's rule:
 * workspaces for the per-step loop). Without it each step mallocs its activations, gathered keys and attention scores anew and frees
 * them only when the garbage collector finds their small Java wrappers: a continuous-batching run at hidden 1024
 * grew to 10-24 GB resident that way (bench/README.md, run 5). In the workspace they live in one arena per thread
 * that is reset when the step ends, so native memory stays at the largest step seen.
 *
 * <p>Nothing allocated inside may outlive the scope: the entries' states and injections live in blocks allocated
 * outside every workspace ({@link Nd4jLatentRows}), and keys and values go to the KV pool, also allocated outside. The arena takes the size of the first
 * step; a larger step spills to plain allocations freed at the end of that step, and the arena then grows to fit it
 * (with a quarter of headroom, so that slowly growing contexts reallocate rarely). Arenas are per thread (ND4J's
 * workspace manager), one per id, and stay allocated until {@link #releaseForCurrentThread}.
 */
public final class StepWorkspace {
    /** One engine step (prelude of new entries, one core iteration, exit checks, coda and head of exiting ones). */
    public static final String STEP = "muninn-step";
    /** One iteration of a lockstep replay (its own id, so that a replay never resets a step's arena). */
    public static final String REPLAY = "muninn-replay";

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.25)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .build();

    private StepWorkspace() {}

    /** Opens the scope; close it (try-with-resources) when the step's arrays are no longer needed. */
    static MemoryWorkspace enter(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }

    /** Frees the calling thread's arenas; a later step on this thread allocates a new one. */
    static void releaseForCurrentThread() {
        MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
        for (String id : new String[] {STEP, REPLAY}) {
            if (manager.checkIfWorkspaceExists(id)) {
                manager.destroyWorkspace(manager.getWorkspaceForCurrentThread(id));
            }
        }
    }
}
