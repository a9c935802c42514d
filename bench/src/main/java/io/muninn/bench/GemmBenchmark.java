package io.muninn.bench;

import io.muninn.model.kernel.Linear;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kernel.Nd4jKernels.MatrixProducts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code muninn bench gemm}: the candidates for the step's matrix products, side by side at the step's shapes
 * ({@code y = x · Wᵀ}, W in PyTorch's (out, in) layout): ND4J's gemm as the engine used it until 2026-12-05, ND4J's
 * gemm into a preallocated output and with the weights stored transposed, OpenBLAS's {@code cblas_sgemm} called
 * directly, and oneDNN's matmul over weights packed once, in FP32 (the engine's default) and with BF16 weights and
 * inputs (FP32 output). Prints GFLOP/s per candidate and shape and, for BF16, its error against FP32.
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    private record Candidate(String name, Supplier<INDArray> run) {}

    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> opts = BenchArgs.parse(args, Map.of(
                "--rows", "16,64,128",
                "--shapes", "1024x3072,1024x7168,3584x1024,1024x65536,2048x14336",
                "--seconds", "1.0"));
        double seconds = Double.parseDouble(opts.get("--seconds"));
        System.out.println("command: muninn bench gemm " + String.join(" ", args));
        System.out.printf("machine: %d cores, OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s, OPENBLAS_CORETYPE=%s, OpenBLAS %s%n",
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"), System.getenv("OMP_WAIT_POLICY"),
                System.getenv("OPENBLAS_CORETYPE"), org.bytedeco.javacpp.Loader.getVersion("org.bytedeco", "openblas"));
        System.out.println("GFLOP/s of y = x · Wᵀ (x: rows x in, W: out x in), FP32 unless named; higher is better");
        System.out.println();
        List<String> header = null;
        for (String shape : opts.get("--shapes").split(",")) {
            String[] io = shape.split("x");
            int in = Integer.parseInt(io[0].trim());
            int out = Integer.parseInt(io[1].trim());
            INDArray w = Nd4j.rand(DataType.FLOAT, out, in).subi(0.5);
            INDArray wT = w.transpose().dup('c'); // (in, out)
            Linear packed = new Nd4jKernels(MatrixProducts.PACKED).prepare(w);
            Bf16Product bf16 = new Bf16Product(w);
            for (String r : opts.get("--rows").split(",")) {
                int rows = Integer.parseInt(r.trim());
                INDArray x = Nd4j.rand(DataType.FLOAT, rows, in).subi(0.5);
                INDArray into = Nd4j.create(DataType.FLOAT, rows, out);
                List<Candidate> candidates = List.of(
                        new Candidate("nd4j gemm", () -> Nd4j.gemm(x, w, false, true)),
                        new Candidate("nd4j gemm, preallocated out", () -> Nd4j.gemm(x, w, into, false, true, 1.0, 0.0)),
                        new Candidate("nd4j gemm, W stored (in, out)", () -> Nd4j.gemm(x, wT, into, false, false, 1.0, 0.0)),
                        new Candidate("openblas cblas_sgemm", () -> {
                            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                                    openblas_nolapack.CblasTrans, rows, out, in, 1f, floats(x), in, floats(w), in, 0f, floats(into), out);
                            return into;
                        }),
                        new Candidate("onednn packed", () -> packed.apply(x)),
                        new Candidate("onednn packed, bf16", () -> bf16.apply(x)));
                if (header == null) {
                    header = new ArrayList<>();
                    for (Candidate c : candidates) {
                        header.add(c.name());
                    }
                    System.out.println("| rows | in | out | " + String.join(" | ", header) + " | bf16 max rel err | bf16 argmax agree |");
                    System.out.println("|---:|---:|---:|" + "---:|".repeat(header.size()) + "---:|---:|");
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %d | %d |", rows, in, out));
                double flops = 2.0 * rows * in * out;
                for (Candidate c : candidates) {
                    line.append(String.format(Locale.ROOT, " %.1f |", flops / secondsPerCall(c.run(), seconds) / 1e9));
                }
                INDArray reference = packed.apply(x);
                INDArray approx = bf16.apply(x);
                double err = approx.sub(reference).amaxNumber().doubleValue() / reference.amaxNumber().doubleValue();
                long agree = 0;
                INDArray a = reference.argMax(1);
                INDArray b = approx.argMax(1);
                for (int i = 0; i < rows; i++) {
                    agree += a.getLong(i) == b.getLong(i) ? 1 : 0;
                }
                line.append(String.format(Locale.ROOT, " %.1e | %d/%d |", err, agree, rows));
                System.out.println(line);
            }
        }
    }

    private static double secondsPerCall(Supplier<INDArray> call, double seconds) {
        for (int i = 0; i < 3; i++) {
            call.get();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int calls = 0;
        long now;
        do {
            call.get();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return (now - start) / 1e9 / calls;
    }

    private static FloatPointer floats(INDArray a) {
        return new FloatPointer(new Address(a.data().address() + a.offset() * Float.BYTES));
    }

    /** A borrowed native address. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }

    /** oneDNN's matmul with BF16 weights packed once and the input converted to BF16 on each call. */
    private static final class Bf16Product {
        private final engine eng = new engine(engine.kind.cpu, 0);
        private final stream stream = new stream(eng);
        private final long in;
        private final long out;
        private final memory weights;
        private final memory.desc weightsDesc;
        private final Map<Long, matmul> byRows = new java.util.HashMap<>();

        Bf16Product(INDArray w) {
            out = w.size(0);
            in = w.size(1);
            memory.desc any = new memory.desc(new LongPointer(in, out), memory.data_type.bf16, memory.format_tag.any);
            matmul.primitive_desc pd = new matmul.primitive_desc(eng, desc(16, in, memory.data_type.bf16), any,
                    desc(16, out, memory.data_type.f32));
            weightsDesc = pd.weights_desc();
            memory plain = new memory(new memory.desc(new LongPointer(in, out), memory.data_type.f32, memory.format_tag.ba), eng,
                    new Address(w.data().address()));
            weights = new memory(weightsDesc, eng);
            new reorder(plain, weights).execute(stream, plain, weights);
            stream._wait();
        }

        INDArray apply(INDArray x) {
            long rows = x.size(0);
            INDArray y = Nd4j.createUninitialized(DataType.FLOAT, rows, out);
            memory.desc srcF32 = desc(rows, in, memory.data_type.f32);
            memory.desc srcBf16 = desc(rows, in, memory.data_type.bf16);
            memory.desc dst = desc(rows, out, memory.data_type.f32);
            matmul product = byRows.computeIfAbsent(rows, n -> new matmul(new matmul.primitive_desc(eng, srcBf16, weightsDesc, dst)));
            try (memory xf = new memory(srcF32, eng, new Address(x.data().address()));
                    memory xb = new memory(srcBf16, eng);
                    memory yf = new memory(dst, eng, new Address(y.data().address()));
                    IntMemoryMap run = new IntMemoryMap()) {
                new reorder(xf, xb).execute(stream, xf, xb);
                run.put(dnnl.DNNL_ARG_SRC, xb);
                run.put(dnnl.DNNL_ARG_WEIGHTS, weights);
                run.put(dnnl.DNNL_ARG_DST, yf);
                product.execute(stream, run);
                stream._wait();
            }
            return y;
        }

        private static memory.desc desc(long rows, long cols, memory.data_type type) {
            return new memory.desc(new LongPointer(rows, cols), type, memory.format_tag.ab);
        }
    }
}
