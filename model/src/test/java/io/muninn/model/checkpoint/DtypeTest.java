package io.muninn.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DtypeTest {
    @ParameterizedTest
    @CsvSource({
        "0x3c00, 1.0",
        "0xc000, -2.0",
        "0x3555, 0.333251953125",
        "0x7bff, 65504.0",
        "0x0400, 6.103515625E-5",
        "0x0001, 5.9604644775390625E-8",
        "0x03ff, 6.097555160522461E-5",
        "0x8001, -5.9604644775390625E-8",
        "0x7c00, Infinity",
        "0xfc00, -Infinity"
    })
    void widensF16(String bits, float expected) {
        assertThat(Dtype.f16ToFloat(parse(bits))).isEqualTo(expected);
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

    @ParameterizedTest
    @CsvSource({
        "0x3f80, 1.0",
        "0xc040, -3.0",
        "0x3eab, 0.333984375",
        "0x7f7f, 3.3895313892515355E38",
        "0x0001, 9.183549615799121E-41",
        "0x7f80, Infinity",
        "0xff80, -Infinity"
    })
    void widensBf16(String bits, float expected) {
        assertThat(Dtype.bf16ToFloat(parse(bits))).isEqualTo(expected);
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

    @ParameterizedTest
    @CsvSource({
        // ties go to the even neighbour, anything above a tie goes up
        "1.00390625, 1.0",
        "1.01171875, 1.015625",
        "1.0039064, 1.0078125",
        "-1.00390625, -1.0",
        "3.4028235E38, Infinity"
    })
    void roundsToBf16NearestEven(float value, float expected) {
        assertThat(Dtype.bf16ToFloat(SafetensorsWriter.toBf16(value))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "1.00048828125, 1.0",
        "1.00146484375, 1.001953125",
        "65519.0, 65504.0",
        "65520.0, Infinity",
        "2.9802322E-8, 0.0",
        "2.9802326E-8, 5.9604644775390625E-8",
        "8.940697E-8, 1.1920928955078125E-7"
    })
    void roundsToF16NearestEvenIncludingSubnormals(float value, float expected) {
        assertThat(Dtype.f16ToFloat(SafetensorsWriter.toF16(value))).isEqualTo(expected);
    }

    @Test
    void readsOnlyTheFloatFormats() {
        assertThat(Dtype.READABLE).containsExactly(Dtype.F32, Dtype.BF16, Dtype.F16);
        assertThat(Dtype.I64.isReadable()).isFalse();
        assertThat(Dtype.forName("BF16")).isEqualTo(Dtype.BF16);
        assertThat(Dtype.forName("bf16")).isNull();
        assertThat(Dtype.F64.byteSize()).isEqualTo(8);
    }

    private static short parse(String hex) {
        return (short) Integer.parseInt(hex.substring(2), 16);
    }
}
