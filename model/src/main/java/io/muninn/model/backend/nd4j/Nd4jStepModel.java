package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.Segment;
import io.muninn.model.backend.StepLogits;
import io.muninn.model.backend.StepModel;
import io.muninn.model.exit.BatchedChecks;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kernel.StepTimer.Part;
import io.muninn.model.kv.SequenceKv;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link StepModel} over one {@link RecurrentDepthModel}: a step's stacked arrays live in the step workspace; the
 * entries' states and injections live in blocks of their own ({@link Nd4jLatentRows}) that a step gathers into
 * its batch and scatters back with one native copy per entry.
 */
final class Nd4jStepModel implements StepModel {
    private final RecurrentDepthModel model;
    private final int hidden;

    Nd4jStepModel(RecurrentDepthModel model) {
        this.model = model;
        this.hidden = model.config.hiddenSize();
    }

    @Override
    public Scope openStep() {
        MemoryWorkspace workspace = StepWorkspace.enter(StepWorkspace.STEP);
        return workspace::close;
    }

    @Override
    public LatentRows upload(float[] values, int rows) {
        if (values.length != rows * hidden) {
            throw new IllegalArgumentException(String.format(
                    "latent rows need %s x %s = %s floats but got %s", rows, hidden, rows * hidden, values.length));
        }
        Nd4jLatentRows block = Nd4jLatentRows.allocate(rows, hidden);
        block.array().data().asNioFloat().put(values);
        return block;
    }

    @Override
    public LatentRows[] prelude(int[] tokens, int[] positions, List<Segment> segments) {
        INDArray injection = model.core.adapter().inject(model.prelude.forward(model.embed(tokens), positions, segments));
        long started = StepTimer.start();
        LatentRows[] out = new LatentRows[segments.size()];
        for (int i = 0; i < out.length; i++) {
            Segment s = segments.get(i);
            Nd4jLatentRows block = Nd4jLatentRows.allocate(s.rows(), hidden);
            RowCopy.copy(injection, s.rowOffset(), block.array(), 0, s.rows());
            out[i] = block;
        }
        StepTimer.stop(Part.COPIES, started);
        return out;
    }

    @Override
    public void iterate(LatentRows[] states, LatentRows[] injections, int[] positions, List<Segment> segments,
            int[] iterations) {
        long started = StepTimer.start();
        INDArray state = gather(states, segments, positions.length);
        INDArray injected = gather(injections, segments, positions.length);
        StepTimer.stop(Part.COPIES, started);
        INDArray next = model.core.iterate(state, injected, positions, segments, iterations);
        started = StepTimer.start();
        for (int i = 0; i < states.length; i++) {
            Segment s = segments.get(i);
            RowCopy.copy(next, s.rowOffset(), Nd4jLatentRows.of(states[i]).array(), 0, s.rows());
        }
        StepTimer.stop(Part.COPIES, started);
    }

    @Override
    public StepLogits tail(LatentRows[] states, int[] positions, List<Segment> segments, int[] headRows) {
        long started = StepTimer.start();
        INDArray state = gather(states, segments, positions.length);
        StepTimer.stop(Part.COPIES, started);
        started = StepTimer.startAbsorbing();
        INDArray hiddenStates = model.coda.forward(state, positions, segments); // (n, H)
        INDArray logits = headRows.length == 0 ? null : model.head.logits(Nd4j.pullRows(hiddenStates, 1, headRows)); // (rows, V)
        StepTimer.stopAbsorbing(Part.EXIT_CODA_HEAD, started);
        return logits == null ? null : new Nd4jStepLogits(logits);
    }

    @Override
    public double[] checkLatents(List<ExitCheck> checks, LatentRows[] states, LatentRows[] previous) {
        FloatBuffer[] current = new FloatBuffer[states.length];
        FloatBuffer[] before = new FloatBuffer[previous.length];
        int[] rows = new int[states.length];
        for (int i = 0; i < states.length; i++) {
            current[i] = Nd4jLatentRows.of(states[i]).buffer();
            before[i] = Nd4jLatentRows.of(previous[i]).buffer();
            rows[i] = states[i].rows();
        }
        double[] values = BatchedChecks.latents(checks, current, before, rows, hidden);
        for (int i = 0; i < states.length; i++) { // the next check compares with this one, native to native
            RowCopy.copy(Nd4jLatentRows.of(states[i]).array(), 0, Nd4jLatentRows.of(previous[i]).array(), 0, rows[i]);
        }
        return values;
    }

    @Override
    public ReplayPass startLockstepReplay(SequenceKv kv, int first, int[] tokens, int[] exitSteps,
            InitialStates initialStates, int maxRowsPerSlice) {
        return new LockstepReplay(model, kv, first, tokens, exitSteps, initialStates, maxRowsPerSlice);
    }

    /** The blocks stacked in segment order as one (n, H) array of the current workspace. */
    private INDArray gather(LatentRows[] blocks, List<Segment> segments, int rows) {
        INDArray stacked = Nd4j.createUninitialized(DataType.FLOAT, rows, hidden);
        for (int i = 0; i < blocks.length; i++) {
            Segment s = segments.get(i);
            RowCopy.copy(Nd4jLatentRows.of(blocks[i]).array(), 0, stacked, s.rowOffset(), s.rows());
        }
        return stacked;
    }
}
