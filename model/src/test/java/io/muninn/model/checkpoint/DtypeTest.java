package io.muninn.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DtypeTest {
    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource({
        "F16, 0x3c00, 1.0",
        "F16, 0xc000, -2.0",
        "F16, 0x3555, 0.333251953125",
        "F16, 0x7bff, 65504.0",
        "F16, 0x0400, 6.103515625E-5",
        "F16, 0x0001, 5.9604644775390625E-8",
        "F16, 0x03ff, 6.097555160522461E-5",
        "F16, 0x8001, -5.9604644775390625E-8",
        "F16, 0x7c00, Infinity",
        "F16, 0xfc00, -Infinity",
        "BF16, 0x3f80, 1.0",
        "BF16, 0xc040, -3.0",
        "BF16, 0x3eab, 0.333984375",
        "BF16, 0x7f7f, 3.3895313892515355E38",
        "BF16, 0x0001, 9.183549615799121E-41",
        "BF16, 0x7f80, Infinity",
        "BF16, 0xff80, -Infinity"
    })
    void widens(Dtype dtype, String bits, float expected) {
        assertThat(widen(dtype, parse(bits))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "F16, 1.00048828125, 1.0",
        "F16, 1.00146484375, 1.001953125",
        "F16, 65519.0, 65504.0",
        "F16, 65520.0, Infinity",
        "F16, 2.9802322E-8, 0.0",
        "F16, 2.9802326E-8, 5.9604644775390625E-8",
        "F16, 8.940697E-8, 1.1920928955078125E-7",
        // ties go to the even neighbour, anything above a tie goes up
        "BF16, 1.00390625, 1.0",
        "BF16, 1.01171875, 1.015625",
        "BF16, 1.0039064, 1.0078125",
        "BF16, -1.00390625, -1.0",
        "BF16, 3.4028235E38, Infinity"
    })
    void roundsToNearestEvenIncludingF16Subnormals(Dtype dtype, float value, float expected) {
        assertThat(widen(dtype, narrow(dtype, value))).isEqualTo(expected);
    }

    @Test
    void widensF16SignedZerosAndNan() {
        assertThat(Float.floatToRawIntBits(Dtype.f16ToFloat((short) 0x0000))).isEqualTo(0);
        assertThat(Float.floatToRawIntBits(Dtype.f16ToFloat((short) 0x8000))).isEqualTo(0x8000_0000);
        assertThat(Dtype.f16ToFloat((short) 0x7e00)).isNaN();
        assertThat(Dtype.f16ToFloat((short) 0xfd01)).isNaN();
    }

    /** Every one of the 65536 patterns against a naive oracle: sign · 2^(e-15) · (1 + m/1024), or m · 2^-24. */
    @Test
    void widensEveryF16PatternLikeTheNaiveFormula() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float actual = Dtype.f16ToFloat((short) bits);
            if (exponent == 0x1f) {
                assertThat(mantissa == 0 ? Float.isInfinite(actual) : Float.isNaN(actual))
                        .as("pattern 0x%04x", bits).isTrue();
                continue;
            }
            double expected = exponent == 0
                    ? sign * mantissa * Math.pow(2, -24)
                    : sign * Math.pow(2, exponent - 15) * (1 + mantissa / 1024.0);
            assertThat((double) actual).as("pattern 0x%04x", bits).isEqualTo(expected);
        }
    }

    @Test
    void widensBf16NanAndNegativeZero() {
        assertThat(Dtype.bf16ToFloat((short) 0x7fc0)).isNaN();
        assertThat(Float.floatToRawIntBits(Dtype.bf16ToFloat((short) 0x8000))).isEqualTo(0x8000_0000);
    }

    /** The test writer's encoders must invert the decoders exactly, or the round-trip tests prove nothing. */
    @Test
    void testWriterEncodersInvertTheDecoders() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            short pattern = (short) bits;
            if (!Float.isNaN(Dtype.f16ToFloat(pattern))) {
                assertThat(SafetensorsWriter.toF16(Dtype.f16ToFloat(pattern))).as("F16 0x%04x", bits)
                        .isEqualTo(pattern);
            }
            if (!Float.isNaN(Dtype.bf16ToFloat(pattern))) {
                assertThat(SafetensorsWriter.toBf16(Dtype.bf16ToFloat(pattern))).as("BF16 0x%04x", bits)
                        .isEqualTo(pattern);
            }
        }
    }

    @Test
    void readsOnlyTheFloatFormats() {
        assertThat(Dtype.READABLE).containsExactly(Dtype.F32, Dtype.BF16, Dtype.F16);
        assertThat(Dtype.I64.isReadable()).isFalse();
        assertThat(Dtype.forName("BF16")).isEqualTo(Dtype.BF16);
        assertThat(Dtype.forName("bf16")).isNull();
        assertThat(Dtype.F64.byteSize()).isEqualTo(8);
    }

    private static float widen(Dtype dtype, short bits) {
        return dtype == Dtype.F16 ? Dtype.f16ToFloat(bits) : Dtype.bf16ToFloat(bits);
    }

    private static short narrow(Dtype dtype, float value) {
        return dtype == Dtype.F16 ? SafetensorsWriter.toF16(value) : SafetensorsWriter.toBf16(value);
    }

    private static short parse(String hex) {
        return (short) Integer.parseInt(hex.substring(2), 16);
    }
}
