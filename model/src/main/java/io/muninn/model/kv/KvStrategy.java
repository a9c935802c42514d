package io.muninn.model.kv;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KV-cache strategy named as the reference names it: a lookup rule ({@code full}, {@code skip},
 * {@code latest-m4}, {@code available-m4}, {@code always-last-m4}) optionally combined with slot sharing
 * ({@code compress-sN}, {@code compress-rN}, {@code compress-anchor}), e.g. {@code latest-m4-compress-s16}.
 *
 * <p>The reference's {@code m4} and the {@code 2} in its slot arithmetic are Huginn-0125's core and prelude layer
 * counts; Muninn reads both from the config (model/README.md, "Deliberate differences from the reference"), so {@code -m4} means "the same
 * core layer" for any layout and is accepted as {@code -m<R>} too. {@code available-m4} resolves exactly as
 * {@code latest-m4}. A bare {@code compress-*} reads existing entries, as {@code full}.
 */
public record KvStrategy(String name, KvLookup lookup, SlotSharing sharing) {

    public static final String DEFAULT = "latest-m4";
    public static final List<String> EXAMPLES = List.of(
            "full", "skip", "latest-m4", "available-m4", "always-last-m4", "compress-s4", "compress-s16",
            "compress-r4", "compress-anchor", "latest-m4-compress-s16", "latest-m4-compress-anchor");

    private static final Pattern LOOKUP = Pattern.compile("^(full|skip|latest-m(\\d+)|available-m(\\d+)|always-last-m(\\d+))");
    private static final Pattern SHARING = Pattern.compile("compress-(s(\\d+)|r(\\d+)|anchor)$");

    /** Parses a strategy name for a model whose core block has {@code coreLayers} layers. */
    public static KvStrategy parse(String name, int coreLayers) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        KvLookup lookup = KvLookup.EXISTING;
        boolean named = false;
        String rest = n;
        Matcher lm = LOOKUP.matcher(n);
        if (lm.find()) {
            named = true;
            String head = lm.group(1);
            if (head.startsWith("latest") || head.startsWith("available")) {
                lookup = KvLookup.LATEST;
            } else if (head.startsWith("always-last")) {
                lookup = KvLookup.ALWAYS_LAST;
            }
            checkModulus(name, lm, coreLayers);
            rest = n.substring(lm.end());
            if (rest.startsWith("-")) {
                rest = rest.substring(1);
            }
        }
        SlotSharing sharing = new SlotSharing.None();
        if (!rest.isEmpty()) {
            Matcher sm = SHARING.matcher(rest);
            if (!sm.matches()) {
                throw invalid(name, named ? "unrecognised part '" + rest + "'" : "unknown strategy");
            }
            named = true;
            if (sm.group(2) != null) {
                sharing = new SlotSharing.Modulo(positive(name, sm.group(2)));
            } else if (sm.group(3) != null) {
                sharing = new SlotSharing.Grouped(positive(name, sm.group(3)));
            } else {
                sharing = new SlotSharing.Anchor();
            }
        }
        if (!named) {
            throw invalid(name, "empty name");
        }
        return new KvStrategy(n, lookup, sharing);
    }

    private static void checkModulus(String name, Matcher lookup, int coreLayers) {
        for (int g = 2; g <= 4; g++) {
            String modulus = lookup.group(g);
            if (modulus != null) {
                int m = Integer.parseInt(modulus);
                if (m != 4 && m != coreLayers) {
                    throw invalid(name, "-m" + m + " must name the core block length: -m" + coreLayers
                            + " for this model (" + coreLayers + " core layers), or -m4 as the reference spells it");
                }
            }
        }
    }

    private static int positive(String name, String digits) {
        int v = Integer.parseInt(digits);
        if (v <= 0) {
            throw invalid(name, "the compression size must be > 0 but was " + v);
        }
        return v;
    }

    private static IllegalArgumentException invalid(String name, String why) {
        return new IllegalArgumentException(String.format(
                "kv strategy '%s' is not valid (%s); accepted: a lookup of full, skip, latest-m4, available-m4, "
                        + "always-last-m4, optionally followed by -compress-sN, -compress-rN or -compress-anchor "
                        + "(e.g. %s)", name, why, EXAMPLES));
    }

    /** True when later iterations overwrite earlier ones' entries. */
    public boolean overwrites() {
        return !(sharing instanceof SlotSharing.None);
    }
}
