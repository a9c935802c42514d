package io.muninn.jobs.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kafka client settings passed through to the source and the sinks (security.protocol, SASL, SSL, ...), loaded
 * from a properties file, and shown only {@link #redacted redacted}: values of keys that look like secrets are never
 * printed.
 */
public final class KafkaSettings {
    private static final Pattern SECRET = Pattern.compile("password|secret|jaas|token|credential|(^|\\.)key($|\\.)"
            + "|keystore\\.key|private");

    private KafkaSettings() {}

    /** The file's properties; an empty set for null. */
    public static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IOException("Kafka properties file " + file + " does not exist or is not a file");
            }
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        return p;
    }

    /** Whether a setting's value must not be shown. */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** The settings as "key=value" lines with secret values replaced by {@code ****}, sorted by key. */
    public static String redacted(Properties p) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(p).forEach((k, v) -> sb.append(k).append('=')
                .append(isSecret(k.toString()) ? "****" : v).append('\n'));
        return sb.toString();
    }

    /** A copy of {@code base} with {@code overrides} on top. */
    public static Properties merged(Properties base, Properties overrides) {
        Properties p = new Properties();
        p.putAll(base);
        p.putAll(overrides);
        return p;
    }
}
