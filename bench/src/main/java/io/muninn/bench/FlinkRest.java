package io.muninn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A few reads from a Flink cluster's REST API (here the MiniCluster's, on loopback): a job's vertices, a vertex's
 * metrics by name suffix (operator metrics are listed as {@code <subtask>.<operator>.<group>.<name>}), and the
 * checkpoint statistics. Metric values come from the cluster's metric fetcher, at most
 * {@code metrics.fetcher.update-interval} old.
 */
final class FlinkRest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI base;
    private final Map<String, List<String>> metricIds = new HashMap<>();

    FlinkRest(URI base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    /** The id of the job's first vertex whose name contains {@code part}. */
    String vertexId(String jobId, String part) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(part)) {
                return v.path("id").asText();
            }
        }
        throw new IOException("job " + jobId + " has no vertex named like '" + part + "'");
    }

    /** The vertex's {@code read-records} and {@code write-records} as the job overview reports them. */
    long[] records(String jobId, String vertexId) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("id").asText().equals(vertexId)) {
                JsonNode m = v.path("metrics");
                return new long[] {m.path("read-records").asLong(-1), m.path("write-records").asLong(-1)};
            }
        }
        return new long[] {-1, -1};
    }

    /**
     * The vertex's metrics whose ids end with each suffix (summed over subtasks and operators that carry it); a
     * suffix not reported yet is absent from the result.
     */
    Map<String, Double> metrics(String jobId, String vertexId, List<String> suffixes)
            throws IOException, InterruptedException {
        String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics";
        List<String> ids = metricIds.get(path);
        if (ids == null || ids.size() < suffixes.size()) {
            ids = new ArrayList<>();
            for (JsonNode m : get(path)) {
                String id = m.path("id").asText();
                if (suffixes.stream().anyMatch(s -> id.endsWith(s))) {
                    ids.add(id);
                }
            }
            metricIds.put(path, ids);
        }
        Map<String, Double> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String query = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
        for (JsonNode m : get(path + "?get=" + query)) {
            String id = m.path("id").asText();
            for (String s : suffixes) {
                if (id.endsWith(s) && m.hasNonNull("value")) {
                    out.merge(s, Double.parseDouble(m.path("value").asText()), Double::sum);
                }
            }
        }
        return out;
    }
}
