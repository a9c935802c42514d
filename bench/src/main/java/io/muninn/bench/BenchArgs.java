package io.muninn.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/** {@code --name value} options with defaults; an unknown option fails naming it and the accepted ones. */
final class BenchArgs {
    private BenchArgs() {}

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("options (defaults): " + new java.util.TreeMap<>(defaults));
                System.exit(0);
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
}
