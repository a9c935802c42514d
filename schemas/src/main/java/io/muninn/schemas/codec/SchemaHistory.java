package io.muninn.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every released version of a record's schema, kept as {@code io/muninn/schemas/history/<Name>-v<N>.avsc} resources
 * (N = 1, 2, ...). A single-object reader needs the writer's exact schema, so Muninn keeps reading records from
 * producers that still use an older version. Releasing a schema change means adding its next version here;
 * {@code SchemaHistoryTest} fails until that is done and checks that all versions stay mutually compatible.
 */
public final class SchemaHistory {
    private static final String ROOT = "/io/muninn/schemas/history/";

    private SchemaHistory() {
    }

    /** The released versions of the record called {@code name} (e.g. {@code PromptRequest}), oldest first. */
    public static List<Schema> versions(String name) {
        List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = ROOT + name + "-v" + version + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history resource " + resource, e);
            }
        }
    }
}
