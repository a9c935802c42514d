package io.muninn.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code muninn bench soak}'s options, checked: a bad value fails naming the option, the value and the limit. */
record SoakSettings(Path model, double minutes, double warmupMinutes, int requests, double rate, int backlog,
        int maxActive, int maxWaiting, int maxNewTokens, int promptLength, long checkpointMs, int consumerRate,
        double maxHeapGrowthMb, long sampleMs, double drainMinutes, boolean unalignedCheckpoints,
        boolean bufferDebloat) {

    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("--model", "models/huginn-tiny-chains");
        d.put("--minutes", "10");
        d.put("--warmup-minutes", "1");
        d.put("--requests", "0");
        d.put("--rate", "100");
        d.put("--backlog", "2000");
        d.put("--max-active", "16");
        d.put("--max-waiting", "32");
        d.put("--max-new-tokens", "8");
        d.put("--prompt-length", "16");
        d.put("--checkpoint-ms", "1000");
        d.put("--consumer-rate", "2000");
        d.put("--max-heap-growth-mb", "32");
        d.put("--sample-ms", "250");
        d.put("--drain-minutes", "10");
        d.put("--unaligned-checkpoints", "false");
        d.put("--buffer-debloat", "false");
        return d;
    }

    static SoakSettings parse(String[] args) {
        Map<String, String> o = BenchArgs.parse(args, defaults());
        return new SoakSettings(Path.of(o.get("--model")).toAbsolutePath().normalize(),
                positive(o, "--minutes", 0), positive(o, "--warmup-minutes", 0), (int) atLeast(o, "--requests", 0),
                positive(o, "--rate", 0), (int) atLeast(o, "--backlog", 1), (int) atLeast(o, "--max-active", 1),
                (int) atLeast(o, "--max-waiting", 1), (int) range(o, "--max-new-tokens", 1, SoakLedger.MAX_TOKENS),
                (int) atLeast(o, "--prompt-length", 1), (long) atLeast(o, "--checkpoint-ms", 10),
                (int) atLeast(o, "--consumer-rate", 1), atLeast(o, "--max-heap-growth-mb", 0),
                (long) atLeast(o, "--sample-ms", 10), positive(o, "--drain-minutes", 0),
                Boolean.parseBoolean(o.get("--unaligned-checkpoints")), Boolean.parseBoolean(o.get("--buffer-debloat")));
    }

    /** Requests of the warm-up when {@code --requests} caps the run: a fifth, at least one; else no cap. */
    int warmupCap() {
        return requests == 0 ? Integer.MAX_VALUE : Math.max(1, requests / 5);
    }

    int totalCap() {
        return requests == 0 ? Integer.MAX_VALUE : requests;
    }

    private static double number(Map<String, String> o, String name) {
        try {
            return Double.parseDouble(o.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number but was '" + o.get(name) + "'");
        }
    }

    private static double positive(Map<String, String> o, String name, double above) {
        double v = number(o, name);
        if (!(v > above)) {
            throw new IllegalArgumentException(name + " must be > " + above + " but was " + o.get(name));
        }
        return v;
    }

    private static double atLeast(Map<String, String> o, String name, double min) {
        return range(o, name, min, Integer.MAX_VALUE);
    }

    private static double range(Map<String, String> o, String name, double min, double max) {
        double v = number(o, name);
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(max == Integer.MAX_VALUE
                    ? name + " must be >= " + (long) min + " but was " + o.get(name)
                    : name + " must be in [" + (long) min + ", " + (long) max + "] but was " + o.get(name));
        }
        return v;
    }
}
