package io.muninn.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --name value} options with defaults; an unknown option fails naming it and the accepted ones. An option
 * whose default is {@code true} or {@code false} is a switch, spelled as everywhere in the command line:
 * {@code --name} turns it on, {@code --no-name} off. The older value form {@code --name true|false} is still
 * accepted (a hidden alias, not listed by {@code --help}). {@code --help} throws {@link HelpRequested} with the
 * defaults, which {@link BenchCommand} prints.
 */
final class BenchArgs {
    private BenchArgs() {}

    /**
     * Old option names, kept as hidden aliases for one release: the benchmarks use the names of the rest of the
     * command line and of the {@code muninn.*} configuration now (README.md, "One command line").
     */
    static final Map<String, String> OLD_NAMES = Map.of("--kv", "--kv-strategy", "--max-active",
            "--max-active-sequences", "--max-waiting", "--max-waiting-sequences");

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!defaults.containsKey(arg) && defaults.containsKey(OLD_NAMES.getOrDefault(arg, ""))) {
                arg = OLD_NAMES.get(arg);
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested(defaults);
            }
            String negated = arg.startsWith("--no-") ? "--" + arg.substring("--no-".length()) : null;
            if (negated != null && !defaults.containsKey(arg) && isSwitch(defaults, negated)) {
                out.put(negated, "false");
                continue;
            }
            if (!defaults.containsKey(arg)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; accepted: " + help(defaults).keySet());
            }
            if (isSwitch(defaults, arg)) {
                boolean valueForm = i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false"));
                out.put(arg, valueForm ? args[++i] : "true");
                continue;
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("option " + arg + " needs a value");
            }
            out.put(arg, args[++i]);
        }
        return out;
    }

    static boolean isSwitch(Map<String, String> defaults, String name) {
        String value = defaults.get(name);
        return "true".equals(value) || "false".equals(value);
    }

    /** The options as {@code --help} lists them, switches as {@code --[no-]name}. */
    static Map<String, String> help(Map<String, String> defaults) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            String name = isSwitch(defaults, e.getKey()) ? "--[no-]" + e.getKey().substring(2) : e.getKey();
            out.put(name, e.getValue());
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
