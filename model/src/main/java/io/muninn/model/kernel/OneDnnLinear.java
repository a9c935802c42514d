package io.muninn.model.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A weight matrix packed once into the blocked layout of oneDNN's matmul, multiplied with oneDNN's JIT kernels
 * (brgemm: AVX-512 or AVX2, chosen for the CPU at run time). A BLAS call packs the weights again on every product,
 * which at the step's few rows costs more than the arithmetic; packing once is what makes small batches run near
 * the CPU's speed (bench/README.md, "Matrix products"). FP32 throughout, like the rest of the engine.
 *
 * <p>One primitive per row count, created on first use and kept. Thread-safe: several task threads may multiply
 * with the same packed weights at once (each thread has its own oneDNN stream; primitives are immutable).
 */
final class OneDnnLinear implements Linear {
    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(ENGINE));
    /** The row count whose preferred weight layout is used for every row count (they agree from 2 rows up). */
    private static final long LAYOUT_ROWS = 16;

    private final long in;
    private final long out;
    private final memory packed;
    private final memory.desc packedDesc;
    private final ConcurrentMap<Long, Product> products = new ConcurrentHashMap<>();

    private record Product(matmul primitive, memory.desc src, memory.desc dst) {}

    /** Packs w (out, in), a row-major FP32 matrix or a view with any strides; w is only read. */
    static OneDnnLinear pack(INDArray w) {
        NativeArrays.checkWeight(w);
        return new OneDnnLinear(w);
    }

    private OneDnnLinear(INDArray w) {
        this.out = w.size(0);
        this.in = w.size(1);
        // w (out, in) read as the (in, out) right-hand matrix: element (k, n) sits at n·stride(0) + k·stride(1)
        memory.desc plainDesc = new memory.desc(new LongPointer(in, out), memory.data_type.f32, new LongPointer(w.stride(1), w.stride(0)));
        this.packedDesc = preferredLayout();
        try (memory plain = new memory(plainDesc, ENGINE, NativeArrays.address(w))) {
            this.packed = new memory(packedDesc, ENGINE);
            stream s = STREAMS.get();
            new reorder(plain, packed).execute(s, plain, packed);
            s._wait();
        }
    }

    private memory.desc preferredLayout() {
        memory.desc any = new memory.desc(new LongPointer(in, out), memory.data_type.f32, memory.format_tag.any);
        try (matmul.primitive_desc pd = new matmul.primitive_desc(ENGINE, rows(LAYOUT_ROWS, in), any, rows(LAYOUT_ROWS, out))) {
            return pd.weights_desc();
        }
    }

    @Override
    public INDArray apply(INDArray x) {
        long started = StepTimer.start();
        INDArray input = NativeArrays.dense(x, in);
        long n = input.size(0);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, n, out);
        Product p = products.computeIfAbsent(n, this::product);
        stream s = STREAMS.get();
        try (memory src = new memory(p.src(), ENGINE, NativeArrays.address(input));
                memory dst = new memory(p.dst(), ENGINE, NativeArrays.address(y));
                IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, packed);
            args.put(dnnl.DNNL_ARG_DST, dst);
            p.primitive().execute(s, args);
            s._wait();
        }
        StepTimer.stop(StepTimer.Part.MATRIX_PRODUCTS, started);
        return y;
    }

    private Product product(long n) {
        memory.desc src = rows(n, in);
        memory.desc dst = rows(n, out);
        try (matmul.primitive_desc pd = new matmul.primitive_desc(ENGINE, src, packedDesc, dst)) {
            return new Product(new matmul(pd), src, dst);
        }
    }

    private static memory.desc rows(long n, long columns) {
        return new memory.desc(new LongPointer(n, columns), memory.data_type.f32, memory.format_tag.ab);
    }
}
