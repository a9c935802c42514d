package io.muninn.schemas.codec;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Walks one record's Avro binary encoding against its writer schema without materialising anything, and checks that
 * every length, count, union branch and enum index fits the bytes that are there, and that the record ends exactly at
 * the end of the payload. Untrusted bytes pass this before Avro's reader sees them, because that reader allocates
 * what a length claims before finding out the data is not there, and its skip moves backwards on a negative length.
 * Every step consumes at least one byte or stops, so the walk is linear in the payload size.
 */
final class AvroBinaryCheck {
    private final byte[] buf;
    private final int end;
    private int pos;

    private AvroBinaryCheck(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    /** What is wrong and where: the dotted path of the field being read. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final String path;

        Malformed(String path, String message) {
            super(message, null, false, false);
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    /** Checks that {@code length} bytes at {@code offset} are exactly one record of {@code schema}. */
    static void check(Schema schema, byte[] buf, int offset, int length) throws Malformed {
        AvroBinaryCheck walk = new AvroBinaryCheck(buf, offset, length);
        walk.value(schema, "");
        if (walk.pos != walk.end) {
            throw new Malformed("", (walk.end - walk.pos) + " byte(s) remain after the record");
        }
    }

    private void value(Schema schema, String path) throws Malformed {
        switch (schema.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> {
                int b = take(path, 1);
                if (buf[b] != 0 && buf[b] != 1) {
                    throw new Malformed(path, String.format("%s has boolean byte %s, which must be 0 or 1",
                            name(path), buf[b] & 0xFF));
                }
            }
            case INT -> readInt(path);
            case LONG -> readLong(path, 10);
            case FLOAT -> take(path, 4);
            case DOUBLE -> take(path, 8);
            case STRING, BYTES -> {
                long length = readLong(path, 10);
                if (length < 0) {
                    throw new Malformed(path, String.format("%s has the negative length %s", name(path), length));
                }
                if (length > end - pos) {
                    throw new Malformed(path, String.format("%s claims %s bytes but only %s byte(s) remain", name(path),
                            length, end - pos));
                }
                pos += (int) length;
            }
            case FIXED -> take(path, schema.getFixedSize());
            case ENUM -> {
                int index = readInt(path);
                if (index < 0 || index >= schema.getEnumSymbols().size()) {
                    throw new Malformed(path, String.format("%s has enum index %s but %s has %s symbols", name(path),
                            index, schema.getName(), schema.getEnumSymbols().size()));
                }
            }
            case UNION -> {
                int branch = readInt(path);
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new Malformed(path, String.format("%s has union branch %s but its union has %s branches",
                            name(path), branch, schema.getTypes().size()));
                }
                value(schema.getTypes().get(branch), path);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    value(field.schema(), path.isEmpty() ? field.name() : path + "." + field.name());
                }
            }
            case ARRAY -> items(schema.getElementType(), null, path);
            case MAP -> items(schema.getValueType(), Schema.create(Schema.Type.STRING), path);
            default -> throw new IllegalStateException("unknown Avro type " + schema.getType());
        }
    }

    /** The blocks of an array ({@code keys} null) or a map. */
    private void items(Schema values, Schema keys, String path) throws Malformed {
        int minItemBytes = Math.max(1, minBytes(values, new HashSet<>()) + (keys == null ? 0 : 1));
        long index = 0;
        while (true) {
            long count = readLong(path, 10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new Malformed(path, String.format("%s has the invalid block count %s", name(path), count));
                }
                count = -count;
                long size = readLong(path, 10);
                if (size < 0 || size > end - pos) {
                    throw new Malformed(path, String.format("%s claims a block of %s bytes but only %s byte(s) remain",
                            name(path), size, end - pos));
                }
            }
            if (count > (end - pos) / minItemBytes) {
                throw new Malformed(path, String.format("%s claims %s items but only %s byte(s) remain", name(path),
                        count, end - pos));
            }
            for (long i = 0; i < count; i++, index++) {
                if (keys == null) {
                    value(values, path + "[" + index + "]");
                } else {
                    int keyStart = pos;
                    value(keys, path + "[" + index + "] (a key)");
                    value(values, path + "[" + key(keyStart) + "]");
                }
            }
        }
    }

    /** The key whose encoding starts at {@code start}, already checked, for a path. */
    private String key(int start) {
        int saved = pos;
        pos = start;
        try {
            int length = (int) readLong("", 10);
            String key = new String(buf, pos, length, StandardCharsets.UTF_8);
            return key.length() <= 40 ? key : key.substring(0, 40) + "...";
        } catch (Malformed e) {
            throw new IllegalStateException("a checked key failed to read again", e);
        } finally {
            pos = saved;
        }
    }

    /** The fewest bytes a value of {@code schema} can take: 0 only for null and records of nulls. */
    private static int minBytes(Schema schema, Set<String> visiting) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case RECORD -> {
                if (!visiting.add(schema.getFullName())) {
                    yield 0;
                }
                int sum = 0;
                for (Schema.Field field : schema.getFields()) {
                    sum += minBytes(field.schema(), visiting);
                }
                visiting.remove(schema.getFullName());
                yield sum;
            }
            default -> 1;
        };
    }

    private int take(String path, int count) throws Malformed {
        if (count > end - pos) {
            throw new Malformed(path, String.format("the data ends inside %s (truncated?)", name(path)));
        }
        int at = pos;
        pos += count;
        return at;
    }

    private int readInt(String path) throws Malformed {
        long value = readLong(path, 5);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new Malformed(path, String.format("%s has an int encoding of %s, outside the int range", name(path),
                    value));
        }
        return (int) value;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long readLong(String path, int maxBytes) throws Malformed {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = buf[take(path, 1)] & 0xFF;
            raw |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new Malformed(path, String.format("%s has a variable-length %s longer than %s bytes", name(path),
                maxBytes == 5 ? "int" : "long", maxBytes));
    }

    private static String name(String path) {
        return path.isEmpty() ? "the record" : path;
    }
}
