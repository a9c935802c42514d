package io.muninn.model.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes safetensors files for tests, as the reference writer lays them out: u64 little-endian header length,
 * JSON header padded with spaces to a multiple of 8 bytes, tensors back to back in insertion order. Floats are
 * encoded as F32, or rounded to nearest-even for BF16 and F16; {@link #raw} writes any dtype's bytes unchecked.
 */
public final class SafetensorsWriter {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private record Entry(String dtype, long[] shape, byte[] data) {}

    /** Adds {@code values} (row-major) as an F32, BF16 or F16 tensor of {@code shape}. */
    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            switch (dtype) {
                case F32 -> data.putFloat(value);
                case BF16 -> data.putShort(toBf16(value));
                case F16 -> data.putShort(toF16(value));
                default -> throw new IllegalArgumentException("cannot encode floats as " + dtype);
            }
        }
        return raw(name, dtype.name(), shape, data.array());
    }

    /** Adds 16-bit patterns as they are, for exact BF16/F16 decoding tests. */
    public SafetensorsWriter bits(String name, Dtype dtype, long[] shape, short... bits) {
        ByteBuffer data = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short value : bits) {
            data.putShort(value);
        }
        return raw(name, dtype.name(), shape, data.array());
    }

    /** Adds a tensor with any dtype string and any bytes. */
    public SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] data) {
        entries.put(name, new Entry(dtype, shape.clone(), data.clone()));
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The header this writer produces, before padding. */
    public String headerJson() {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> named : entries.entrySet()) {
            Entry entry = named.getValue();
            JsonObject tensor = new JsonObject();
            tensor.addProperty("dtype", entry.dtype());
            JsonArray shape = new JsonArray();
            for (long dimension : entry.shape()) {
                shape.add(dimension);
            }
            tensor.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + entry.data().length);
            tensor.add("data_offsets", offsets);
            header.add(named.getKey(), tensor);
            offset += entry.data().length;
        }
        return header.toString();
    }

    public byte[] toBytes() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Entry entry : entries.values()) {
            data.writeBytes(entry.data());
        }
        String header = headerJson();
        int padding = (8 - header.getBytes(StandardCharsets.UTF_8).length % 8) % 8;
        return file(header + " ".repeat(padding), data.toByteArray());
    }

    public Path write(Path file) {
        try {
            Files.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A file with exactly this header text and data: for malformed-file tests. */
    public static byte[] file(String header, byte[] data) {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(headerBytes.length).put(headerBytes).put(data);
        return file.array();
    }

    /** float to bfloat16, round to nearest even; NaN stays a (quiet) NaN. */
    public static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** float to IEEE binary16, round to nearest even, overflowing to infinity, with subnormals. */
    public static short toF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7f_ffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x0200 | (mantissa >>> 13)));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                return (short) sign;
            }
            return (short) (sign | roundedShift(mantissa | 0x80_0000, 14 - halfExponent));
        }
        return (short) (sign | roundedShift((halfExponent << 23) | mantissa, 13));
    }

    private static int roundedShift(int value, int shift) {
        int result = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1) == 1)) {
            result++;
        }
        return result;
    }
}
