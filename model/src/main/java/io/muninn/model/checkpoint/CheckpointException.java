package io.muninn.model.checkpoint;

/**
 * A checkpoint that Muninn cannot load: a malformed safetensors file or shard index, or a tensor that is missing,
 * unused or shaped differently from what the config needs. The message names the file or directory, the tensor
 * key, the value found and what was expected.
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String template, Object... args) {
        super(String.format(template, args));
    }
}
