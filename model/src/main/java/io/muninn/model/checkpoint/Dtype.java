package io.muninn.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.List;

/**
 * The element types a safetensors header may name, with their sizes in bytes. Muninn computes in FP32 and reads
 * {@link #F32}, {@link #BF16} and {@link #F16} tensors, widening the two 16-bit formats exactly; the other types are
 * known only so that their offsets can be validated.
 */
public enum Dtype {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    F8_E8M0(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    I64(8),
    U64(8),
    F64(8);

    /** The types {@link #widen} reads. */
    public static final List<Dtype> READABLE = List.of(F32, BF16, F16);

    private final int byteSize;

    Dtype(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isReadable() {
        return READABLE.contains(this);
    }

    /** The type a header spells {@code name}, or {@code null} for a name this enum does not know. */
    static Dtype forName(String name) {
        for (Dtype dtype : values()) {
            if (dtype.name().equals(name)) {
                return dtype;
            }
        }
        return null;
    }

    /**
     * Widens {@code count} little-endian elements starting at the position of {@code source} into
     * {@code target[offset ..]}.
     *
     * @throws IllegalStateException for a type that is not {@link #isReadable() readable}
     */
    void widen(ByteBuffer source, float[] target, int offset, int count) {
        ByteBuffer data = source.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> data.asFloatBuffer().get(target, offset, count);
            case BF16 -> {
                ShortBuffer halves = data.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    target[offset + i] = bf16ToFloat(halves.get(i));
                }
            }
            case F16 -> {
                ShortBuffer halves = data.asShortBuffer();
                for (int i = 0; i < count; i++) {
                    target[offset + i] = f16ToFloat(halves.get(i));
                }
            }
            default -> throw new IllegalStateException(this + " cannot be widened to float");
        }
    }

    /** bfloat16 is the upper half of an IEEE binary32: widening is exact. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * IEEE binary16 to binary32, exact for every input: normals re-biased (15 to 127), subnormals
     * ({@code mantissa · 2^-24}), signed zeros, infinities and NaNs with their payload. Java 17 has no
     * {@code Float.float16ToFloat}.
     */
    public static float f16ToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal; mantissa < 2^10 so the product is exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }
}
