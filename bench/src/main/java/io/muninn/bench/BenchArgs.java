package io.muninn.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --name value} options with defaults; an unknown option fails naming it and the accepted ones. An option
 * whose default is {@code true} or {@code false} is a switch, spelled as everywhere in the command line:
 * {@code --name} turns it on, {@code --no-name} off. The older value form {@code --name true|false} is still
 * accepted (a hidden alias, not listed by {@code --help}).
 */
final class BenchArgs {
    private BenchArgs() {}

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help")) {
                System.out.println("options (defaults): " + help(defaults));
                System.exit(0);
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

    private static boolean isSwitch(Map<String, String> defaults, String name) {
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
}
