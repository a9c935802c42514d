package io.muninn.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file, read through read-only memory maps.
 *
 * <p>Format (the safetensors format, read without a library): an unsigned 64-bit little-endian header length {@code N}, {@code N} bytes of
 * UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * relative to the data section that follows the header) plus an optional {@code "__metadata__"} string map, then
 * the little-endian tensor data. {@link #open} validates the whole header; {@link #readFloats} maps only the
 * bytes of the tensor it reads, in windows of at most 1 GiB, so files (and tensors) beyond 2 GiB work.
 *
 * <p>Every failure message starts with the file's path and names the tensor key. Not thread-safe against
 * {@link #close}; concurrent reads are fine.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The safetensors reference implementation's limit on the header's size. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int DEFAULT_WINDOW_BYTES = 1 << 30;
    /** The largest Java array a VM reliably allocates. */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;
    private final int windowBytes;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header,
            int windowBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.windowBytes = windowBytes;
    }

    /**
     * Opens {@code file} and validates its header.
     *
     * @throws CheckpointException when the file is truncated or its header malformed
     * @throws IOException         when the file cannot be opened or read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        return open(file, DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path)}, mapping at most {@code windowBytes} at a time (tests use tiny windows). */
    static SafetensorsFile open(Path file, int windowBytes) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < LENGTH_PREFIX_BYTES) {
                throw new CheckpointException(
                        "%s: file is %s bytes, shorter than the 8-byte header length", file, size);
            }
            long headerBytes = readFully(channel, 0, LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long available = size - LENGTH_PREFIX_BYTES;
            if (headerBytes < 0 || headerBytes > available) {
                throw new CheckpointException("%s: header length %s exceeds the %s bytes that follow it",
                        file, Long.toUnsignedString(headerBytes), available);
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new CheckpointException("%s: header length %s exceeds the safetensors limit of %s bytes",
                        file, headerBytes, MAX_HEADER_BYTES);
            }
            ByteBuffer headerBuffer = readFully(channel, LENGTH_PREFIX_BYTES, (int) headerBytes);
            String json = StandardCharsets.UTF_8.decode(headerBuffer).toString();
            long dataStart = LENGTH_PREFIX_BYTES + headerBytes;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - dataStart);
            return new SafetensorsFile(file, channel, dataStart, header, windowBytes);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The tensor names, sorted. */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /** @throws CheckpointException when the file has no tensor {@code name} */
    public TensorInfo tensor(String name) {
        TensorInfo tensor = header.tensors().get(name);
        if (tensor == null) {
            throw new CheckpointException("%s: no tensor %s", path, name);
        }
        return tensor;
    }

    /** The header's {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * The tensor's elements in row-major order, widened to float.
     *
     * @throws CheckpointException when the tensor is absent, of a dtype Muninn does not read, or too large for one
     *                             Java array
     * @throws IOException         when mapping the file fails
     */
    public float[] readFloats(String name) throws IOException {
        TensorInfo tensor = tensor(name);
        Dtype dtype = tensor.dtype();
        if (!dtype.isReadable()) {
            throw new CheckpointException("%s: tensor %s has dtype %s but Muninn reads only %s",
                    path, name, dtype, Dtype.READABLE);
        }
        long count = tensor.elementCount();
        if (count > MAX_ELEMENTS) {
            throw new CheckpointException("%s: tensor %s has %s elements, more than one Java array holds (%s)",
                    path, name, count, MAX_ELEMENTS);
        }
        float[] values = new float[(int) count];
        int perWindow = Math.max(1, windowBytes / dtype.byteSize());
        long position = dataStart + tensor.begin();
        for (int done = 0; done < values.length; ) {
            int chunk = Math.min(perWindow, values.length - done);
            long bytes = (long) chunk * dtype.byteSize();
            MappedByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, position, bytes);
            dtype.widen(window, values, done, chunk);
            done += chunk;
            position += bytes;
        }
        return values;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
