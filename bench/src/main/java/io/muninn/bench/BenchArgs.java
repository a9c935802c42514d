package io.muninn.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code --name value} options with defaults; an unknown option fails naming it and the accepted ones; {@code --help}
 * throws {@link HelpRequested} with the defaults.
 */
final class BenchArgs {
    private BenchArgs() {}

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                throw new HelpRequested(defaults);
            }
            if (!defaults.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'; accepted: " + new TreeSet<>(defaults.keySet()));
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            out.put(args[i], args[++i]);
        }
        return out;
    }

    /**
     * {@code --help} was given: the benchmark's options and their defaults, which {@link BenchCommand} prints as the
     * benchmark's help (the benchmark's own declarations, so the help cannot drift from what it parses).
     */
    static final class HelpRequested extends RuntimeException {
        final transient Map<String, String> defaults;

        HelpRequested(Map<String, String> defaults) {
            super("--help", null, false, false);
            this.defaults = defaults;
        }
    }
}
