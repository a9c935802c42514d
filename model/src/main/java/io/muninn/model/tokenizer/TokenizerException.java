package io.muninn.model.tokenizer;

/** A model directory's tokenizer files cannot be used; the message names the file, the value and the fix. */
public final class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String template, Object... args) {
        super(String.format(template, args));
    }

    public TokenizerException(Throwable cause, String template, Object... args) {
        super(String.format(template, args), cause);
    }
}
