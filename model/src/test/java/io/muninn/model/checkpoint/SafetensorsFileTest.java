package io.muninn.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsFileTest {
    private static final float[] VALUES = {0.0f, -0.0f, 1.0f, -2.5f, 0.1f, 1e-40f, Float.MAX_VALUE,
        Float.NEGATIVE_INFINITY};

    @TempDir
    Path dir;

    @Test
    void readsF32Exactly() throws IOException {
        Path file = new SafetensorsWriter().add("t", Dtype.F32, new long[] {2, 4}, VALUES).write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("t")).containsExactly(VALUES);
            TensorInfo info = safetensors.tensor("t");
            assertThat(info.dtype()).isEqualTo(Dtype.F32);
            assertThat(info.shape()).containsExactly(2, 4);
            assertThat(info.elementCount()).isEqualTo(8);
            assertThat(info.shapeText()).isEqualTo("[2, 4]");
        }
    }

    @Test
    void readsF32NanBitsUnchanged() throws IOException {
        float nan = Float.intBitsToFloat(0x7fc0_1234);
        Path file = new SafetensorsWriter().add("t", Dtype.F32, new long[] {1}, nan).write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(Float.floatToRawIntBits(safetensors.readFloats("t")[0])).isEqualTo(0x7fc0_1234);
        }
    }

    @Test
    void readsBf16BitPatternsAndRoundedFloats() throws IOException {
        Path file = new SafetensorsWriter()
                .bits("bits", Dtype.BF16, new long[] {4}, (short) 0x3f80, (short) 0xc040, (short) 0x0001,
                        (short) 0xff80)
                .add("rounded", Dtype.BF16, new long[] {3}, 1.00390625f, 1.01171875f, 0.1f)
                .write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("bits"))
                    .containsExactly(1.0f, -3.0f, 9.183549615799121E-41f, Float.NEGATIVE_INFINITY);
            assertThat(safetensors.readFloats("rounded")).containsExactly(1.0f, 1.015625f, 0.10009765625f);
            assertThat(safetensors.tensor("rounded").dtype()).isEqualTo(Dtype.BF16);
        }
    }

    @Test
    void readsF16BitPatternsIncludingSubnormalsAndInfinities() throws IOException {
        Path file = new SafetensorsWriter()
                .bits("t", Dtype.F16, new long[] {2, 3}, (short) 0x3c00, (short) 0x0001, (short) 0x83ff,
                        (short) 0x7bff, (short) 0x7c00, (short) 0xfc00)
                .add("rounded", Dtype.F16, new long[] {2}, 0.1f, 70000f)
                .write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("t")).containsExactly(1.0f, 5.9604644775390625E-8f,
                    -6.097555160522461E-5f, 65504.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            assertThat(safetensors.readFloats("rounded")).containsExactly(0.0999755859375f, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void listsNamesSortedAndReadsMetadata() throws IOException {
        Path file = new SafetensorsWriter()
                .metadata("format", "pt")
                .add("b", Dtype.F32, new long[] {1}, 1f)
                .add("a", Dtype.F16, new long[] {}, 2f)
                .write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.names()).containsExactly("a", "b");
            assertThat(safetensors.contains("a")).isTrue();
            assertThat(safetensors.contains("__metadata__")).isFalse();
            assertThat(safetensors.metadata()).isEqualTo(Map.of("format", "pt"));
            assertThat(safetensors.readFloats("a")).containsExactly(2f);
            assertThat(safetensors.path()).isEqualTo(file);
        }
    }

    @Test
    void readsEmptyTensors() throws IOException {
        Path file = new SafetensorsWriter().add("empty", Dtype.BF16, new long[] {0, 4}).write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("empty")).isEmpty();
        }
    }

    @Test
    void readsAcrossManySmallWindowsAsInOne() throws IOException {
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 200 - 100) / 8f;
        }
        Path file = new SafetensorsWriter()
                .add("f32", Dtype.F32, new long[] {10, 100}, values)
                .add("bf16", Dtype.BF16, new long[] {1000}, values)
                .add("f16", Dtype.F16, new long[] {1000}, values)
                .write(dir.resolve("a"));

        try (SafetensorsFile windowed = SafetensorsFile.open(file, 12)) {
            assertThat(windowed.readFloats("f32")).containsExactly(values);
            assertThat(windowed.readFloats("bf16")).containsExactly(values);
            assertThat(windowed.readFloats("f16")).containsExactly(values);
        }
    }

    /** A sparse file: 2 GiB + 16 bytes of padding tensor, then the tensor that must come back. */
    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        long padding = (1L << 31) + 16;
        String header = "{\"padding\":{\"dtype\":\"U8\",\"shape\":[" + padding + "],\"data_offsets\":[0," + padding
                + "]},\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + padding + "," + (padding + 8)
                + "]}}";
        Path file = dir.resolve("big.safetensors");
        byte[] start = SafetensorsWriter.file(header, new byte[0]);
        ByteBuffer far = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-7f).flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            channel.write(ByteBuffer.wrap(start));
            channel.write(far, start.length + padding);
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 31);

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("far")).containsExactly(1.5f, -7f);
        }
    }

    /** Files that are not safetensors: their bytes and what the refusal says after the file's path. */
    static Stream<Arguments> malformedFiles() {
        byte[] fourFloats = new SafetensorsWriter().add("t", Dtype.F32, new long[] {4}, 1, 2, 3, 4).toBytes();
        long headerLength = ByteBuffer.wrap(fourFloats).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Stream.of(
                Arguments.of("shorter than the length prefix", new byte[] {1, 2, 3, 4, 5},
                        "file is 5 bytes, shorter than the 8-byte header length"),
                Arguments.of("a header longer than the file", Arrays.copyOf(fourFloats, 40),
                        "header length " + headerLength + " exceeds the 32 bytes that follow it"),
                Arguments.of("an absurd header length",
                        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0L).array(),
                        "header length 18446744073709551615 exceeds the 8 bytes that follow it"),
                Arguments.of("truncated data", Arrays.copyOf(fourFloats, fourFloats.length - 4),
                        "tensor t has data_offsets [0, 16] but the data section holds 12 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void refusesAMalformedFile(String name, byte[] bytes, String message) throws IOException {
        assertRefused(bytes, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"t\": {\"dtype\": \"F32\"|header is not a valid JSON object: unexpected end of input at line 1 column 22"
                + " path $.t.dtype",
        "{\"t\": [1, 2]}|header entry t must be an object with dtype, shape and data_offsets but was [1,2]",
        "[]|header is not a valid JSON object: found []",
        "{\"t\": {\"dtype\": \"Q4\", \"shape\": [1], \"data_offsets\": [0, 4]}}|tensor t has dtype \"Q4\", which is"
                + " not a safetensors dtype [BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32,"
                + " F32, I64, U64, F64]",
        "{\"t\": {\"shape\": [1], \"data_offsets\": [0, 4]}}|tensor t has dtype null, which is not a safetensors"
                + " dtype [BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64]",
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}|tensor t has shape [-1] but a shape"
                + " must be a list of non-negative integers",
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]}}|tensor t has data_offsets [8,0] but"
                + " data_offsets must be [begin, end] with 0 <= begin <= end",
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0]}}|tensor t has data_offsets [0] but"
                + " data_offsets must be [begin, end] with 0 <= begin <= end",
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 64]}}|tensor t has data_offsets [0, 64]"
                + " but the data section holds 16 bytes",
        "{\"t\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 16]}}|tensor t has data_offsets"
                + " [0, 16] (16 bytes) but dtype F32 and shape [2, 3] need 24 bytes",
        "{\"t\": {\"dtype\": \"BF16\", \"shape\": [4], \"data_offsets\": [0, 16]}}|tensor t has data_offsets [0, 16]"
                + " (16 bytes) but dtype BF16 and shape [4] need 8 bytes",
        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}, \"b\": {\"dtype\": \"F32\", \"shape\":"
                + " [2], \"data_offsets\": [4, 12]}}|tensors a (data_offsets [0, 8]) and b (data_offsets [4, 12])"
                + " overlap",
        "{\"__metadata__\": [\"pt\"]}|__metadata__ must be an object of strings but was [\"pt\"]"
    })
    void refusesAMalformedHeader(String header, String message) throws IOException {
        assertRefused(SafetensorsWriter.file(header, new byte[16]), message);
    }

    /** Opening a file of these bytes fails with the file's path and {@code message}. */
    private void assertRefused(byte[] bytes, String message) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), bytes);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(file + ": " + message);
    }

    @Test
    void refusesToReadADtypeItCannotWiden() throws IOException {
        Path file = new SafetensorsWriter()
                .raw("ids", "I64", new long[] {2}, new byte[16])
                .add("ok", Dtype.F32, new long[] {1}, 3f)
                .write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.tensor("ids").dtype()).isEqualTo(Dtype.I64);
            assertThat(safetensors.readFloats("ok")).containsExactly(3f);
            assertThatThrownBy(() -> safetensors.readFloats("ids"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage(file + ": tensor ids has dtype I64 but Muninn reads only [F32, BF16, F16]");
        }
    }

    @Test
    void refusesAnAbsentTensor() throws IOException {
        Path file = new SafetensorsWriter().add("t", Dtype.F32, new long[] {1}, 3f).write(dir.resolve("a"));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> safetensors.readFloats("u"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage(file + ": no tensor u");
        }
    }

    @Test
    void toleratesTrailingSpacesAndKeepsUnicodeNames() throws IOException {
        String header = "{\"größe\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}     ";
        byte[] data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).array();
        Path file = Files.write(dir.resolve("a"), SafetensorsWriter.file(header, data));

        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertThat(safetensors.readFloats("größe")).containsExactly(0.5f);
        }
        assertThat(header.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(header.length());
    }
}
