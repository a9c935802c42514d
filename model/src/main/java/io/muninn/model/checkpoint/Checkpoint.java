package io.muninn.model.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tensors of a model directory: {@value #SINGLE_FILE}, or, when that is absent, the shards listed by
 * {@value #INDEX_FILE} (the same precedence as Hugging Face's loader). Lookup is by the state-dict key
 * ({@link TensorNames}); values are read on demand from memory-mapped files. Close it to release the files.
 *
 * <p>A sharded checkpoint exposes exactly the tensors of its {@code weight_map}; {@link #open} checks that every
 * one of them is in the shard the index names.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path directory;
    private final Map<String, SafetensorsFile> fileByTensor;
    private final List<SafetensorsFile> files;

    private Checkpoint(Path directory, Map<String, SafetensorsFile> fileByTensor, List<SafetensorsFile> files) {
        this.directory = directory;
        this.fileByTensor = Collections.unmodifiableMap(fileByTensor);
        this.files = files;
    }

    /**
     * Opens the checkpoint in {@code modelDir} and validates every file's header.
     *
     * @throws CheckpointException when there is no checkpoint, or a file or the index is malformed
     * @throws IOException         when a file cannot be read
     */
    public static Checkpoint open(Path modelDir) throws IOException {
        Path single = modelDir.resolve(SINGLE_FILE);
        Path index = modelDir.resolve(INDEX_FILE);
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> fileByTensor = new TreeMap<>();
            if (Files.isRegularFile(single)) {
                SafetensorsFile file = SafetensorsFile.open(single);
                opened.put(SINGLE_FILE, file);
                file.names().forEach(name -> fileByTensor.put(name, file));
            } else if (Files.isRegularFile(index)) {
                for (Map.Entry<String, String> entry : ShardIndex.read(index).entrySet()) {
                    SafetensorsFile shard = opened.get(entry.getValue());
                    if (shard == null) {
                        shard = openShard(index, entry.getKey(), modelDir.resolve(entry.getValue()));
                        opened.put(entry.getValue(), shard);
                    }
                    if (!shard.contains(entry.getKey())) {
                        throw new CheckpointException("%s: weight_map maps %s to %s, which has no such tensor",
                                index, entry.getKey(), entry.getValue());
                    }
                    fileByTensor.put(entry.getKey(), shard);
                }
            } else {
                throw new CheckpointException(
                        "%s holds neither %s nor %s", modelDir, SINGLE_FILE, INDEX_FILE);
            }
            return new Checkpoint(modelDir, fileByTensor, List.copyOf(opened.values()));
        } catch (IOException | RuntimeException e) {
            closeAll(opened.values(), e);
            throw e;
        }
    }

    private static SafetensorsFile openShard(Path index, String tensor, Path shard) throws IOException {
        if (!Files.isRegularFile(shard)) {
            throw new CheckpointException("%s: weight_map maps %s to %s, which does not exist",
                    index, tensor, shard.getFileName());
        }
        return SafetensorsFile.open(shard);
    }

    public Path directory() {
        return directory;
    }

    /** Every tensor name, sorted. */
    public Set<String> names() {
        return fileByTensor.keySet();
    }

    public boolean contains(String name) {
        return fileByTensor.containsKey(name);
    }

    /** @throws CheckpointException when the checkpoint has no tensor {@code name} */
    public TensorInfo tensor(String name) {
        return fileOf(name).tensor(name);
    }

    /** The tensor's elements in row-major order, widened to float (see {@link SafetensorsFile#readFloats}). */
    public float[] readFloats(String name) throws IOException {
        return fileOf(name).readFloats(name);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private SafetensorsFile fileOf(String name) {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new CheckpointException("checkpoint %s has no tensor %s", directory, name);
        }
        return file;
    }

    private static void closeAll(Iterable<SafetensorsFile> files, Exception primary) {
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }
}
