package io.muninn.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The seed of a request's counter RNG (initial recurrent state and sampling draws). A request that sets
 * {@code generation.sampling.seed} uses it; one that does not gets a seed derived from its {@code request_id}, so
 * the same request reproduces the same output on every run, on every machine and after every restart:
 *
 * <pre>
 * seed = the first 8 bytes of SHA-256(UTF-8 bytes of request_id), read as a big-endian two's-complement long
 * </pre>
 *
 * <p>In Python: {@code int.from_bytes(hashlib.sha256(rid.encode("utf-8")).digest()[:8], "big", signed=True)}.
 * SHA-256 is chosen because every language has it and it spreads similar ids ({@code r1}, {@code r2}) apart.
 */
public final class RequestSeeds {

    private RequestSeeds() {
    }

    /** The seed the request runs with: its own {@code generation.sampling.seed}, else {@link #fromRequestId}. */
    public static long seedOf(PromptRequest request) {
        Long seed = request.getGeneration().getSampling().getSeed();
        return seed != null ? seed : fromRequestId(request.getRequestId());
    }

    /** The seed derived from a request id; see the class comment for the definition. */
    public static long fromRequestId(String requestId) {
        if (requestId == null) {
            throw new IllegalArgumentException("request_id must not be null to derive a seed from it");
        }
        byte[] digest = sha256().digest(requestId.getBytes(StandardCharsets.UTF_8));
        long seed = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            seed = (seed << 8) | (digest[i] & 0xFF);
        }
        return seed;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
