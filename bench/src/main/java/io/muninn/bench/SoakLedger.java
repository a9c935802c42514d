package io.muninn.bench;

import java.util.Arrays;

/**
 * The soak's accounting: which requests were produced and what came back for each on the output topics, read as a
 * {@code read_committed} consumer. Requests are numbered ({@code <prefix><n>}), so the ledger is a few arrays indexed
 * by that number and its own memory stays small over a long run. Thread-safe: the producer and the consumer thread
 * call it concurrently.
 */
final class SoakLedger {
    /** Token indices tracked per request, one bit each. */
    static final int MAX_TOKENS = 64;

    /**
     * @param produced        requests sent to the prompts topic
     * @param completed       requests with at least one completion
     * @param lost            requests without a completion (rejected ones included: they did not complete)
     * @param duplicated      completions beyond the first of a request
     * @param rejected        requests that came back on the rejected topic
     * @param unknown         completions, tokens or rejections for a request id this run never produced
     * @param tokenDuplicates token events beyond the first for a (request, index)
     * @param tokensMissing   tokens a completion counts that never arrived as token events
     */
    record Tally(long produced, long completed, long lost, long duplicated, long rejected, long unknown,
            long tokenDuplicates, long tokensMissing) {}

    private final String prefix;
    private int produced;
    private int settled;
    private long unknown;
    private long tokenDuplicates;
    private byte[] completions = new byte[1024];
    private byte[] rejections = new byte[1024];
    private byte[] completionTokens = new byte[1024];
    private long[] tokenMask = new long[1024];

    SoakLedger(String prefix) {
        this.prefix = prefix;
    }

    String id(int n) {
        return prefix + n;
    }

    /** Records the next request as produced; returns its number. */
    synchronized int produce() {
        if (produced == completions.length) {
            int size = completions.length * 2;
            completions = Arrays.copyOf(completions, size);
            rejections = Arrays.copyOf(rejections, size);
            completionTokens = Arrays.copyOf(completionTokens, size);
            tokenMask = Arrays.copyOf(tokenMask, size);
        }
        return produced++;
    }

    synchronized void completion(String requestId, int tokens) {
        int n = index(requestId);
        if (n < 0) {
            unknown++;
            return;
        }
        if (completions[n] == 0) {
            completionTokens[n] = (byte) Math.min(tokens, MAX_TOKENS);
            if (rejections[n] == 0) {
                settled++;
            }
        }
        completions[n] = (byte) Math.min(completions[n] + 1, Byte.MAX_VALUE);
    }

    synchronized void token(String requestId, int index) {
        int n = index(requestId);
        if (n < 0 || index < 0 || index >= MAX_TOKENS) {
            unknown++;
            return;
        }
        long bit = 1L << index;
        if ((tokenMask[n] & bit) != 0) {
            tokenDuplicates++;
        }
        tokenMask[n] |= bit;
    }

    synchronized void rejection(String requestId) {
        int n = index(requestId);
        if (n < 0) {
            unknown++;
            return;
        }
        if (rejections[n] == 0 && completions[n] == 0) {
            settled++;
        }
        rejections[n] = (byte) Math.min(rejections[n] + 1, Byte.MAX_VALUE);
    }

    synchronized int produced() {
        return produced;
    }

    /** Requests that came back at all (a completion or a rejection): the producer keeps its backlog by this. */
    synchronized int settled() {
        return settled;
    }

    synchronized Tally tally() {
        long completed = 0;
        long duplicated = 0;
        long rejected = 0;
        long missing = 0;
        for (int n = 0; n < produced; n++) {
            if (completions[n] > 0) {
                completed++;
                duplicated += completions[n] - 1;
                missing += Math.max(0, completionTokens[n] - Long.bitCount(tokenMask[n]));
            }
            if (rejections[n] > 0) {
                rejected++;
            }
        }
        return new Tally(produced, completed, produced - completed, duplicated, rejected, unknown, tokenDuplicates,
                missing);
    }

    /** The request's number, or -1 for an id this run did not produce. */
    private int index(String requestId) {
        if (requestId == null || !requestId.startsWith(prefix)) {
            return -1;
        }
        try {
            int n = Integer.parseInt(requestId.substring(prefix.length()));
            return n >= 0 && n < produced ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
