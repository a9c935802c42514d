package io.muninn.jobs.annotate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What AnnotateJob's file sinks have committed: the lines of their part files (in-progress files start with a dot). */
public final class CommittedFiles {
    private CommittedFiles() {}

    /** The lines of the committed part files under {@code dir}; none when it does not exist. */
    public static List<String> lines(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        return out;
    }

    /** The annotation rows committed under the job's {@code output} directory, by record id. */
    public static Map<String, JsonObject> annotations(Path output) throws IOException {
        Map<String, JsonObject> rows = new TreeMap<>();
        for (String line : lines(output.resolve("annotations"))) {
            JsonObject row = JsonParser.parseString(line).getAsJsonObject();
            rows.put(row.get("id").getAsString(), row);
        }
        return rows;
    }
}
