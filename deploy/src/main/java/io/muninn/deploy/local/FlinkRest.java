package io.muninn.deploy.local;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few calls of Flink's REST API (the JobManager's port, 8081 by default) that the local cluster needs. */
public final class FlinkRest {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String base) {
        this.base = base;
    }

    /** One job as {@code /jobs/overview} lists it. */
    public record Job(String id, String name, String state) {}

    /** {@code /overview}: the number of registered TaskManagers, or -1 while the REST API does not answer. */
    public int taskManagers() {
        try {
            return get("/overview").get("taskmanagers").getAsInt();
        } catch (IOException e) {
            return -1;
        }
    }

    public List<Job> jobs() throws IOException {
        List<Job> out = new ArrayList<>();
        for (JsonElement e : get("/jobs/overview").getAsJsonArray("jobs")) {
            JsonObject j = e.getAsJsonObject();
            out.add(new Job(j.get("jid").getAsString(), j.get("name").getAsString(), j.get("state").getAsString()));
        }
        return out;
    }

    public String state(String jobId) throws IOException {
        return get("/jobs/" + jobId).get("state").getAsString();
    }

    /** The number of completed checkpoints of the job. */
    public long completedCheckpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints").getAsJsonObject("counts").get("completed").getAsLong();
    }

    /** The resource ids of the TaskManagers running subtasks of the job now. */
    public java.util.Set<String> taskManagersOf(String jobId) throws IOException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (JsonElement v : get("/jobs/" + jobId).getAsJsonArray("vertices")) {
            String vertex = v.getAsJsonObject().get("id").getAsString();
            for (JsonElement t : get("/jobs/" + jobId + "/vertices/" + vertex + "/taskmanagers").getAsJsonArray("taskmanagers")) {
                JsonObject tm = t.getAsJsonObject();
                if ("RUNNING".equals(tm.get("status").getAsString())) {
                    out.add(tm.get("taskmanager-id").getAsString());
                }
            }
        }
        return out;
    }

    /** Cancels the job (no savepoint). */
    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel")).timeout(Duration.ofSeconds(10))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    /**
     * Stops the job with a savepoint into {@code directory} (no drain: in-flight sequences stay in the savepoint)
     * and returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("targetDirectory", directory);
        body.addProperty("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).get("request-id").getAsString();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.getAsJsonObject("status").get("id").getAsString())) {
                JsonObject op = status.getAsJsonObject("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of " + jobId + " failed: " + op.get("failure-cause"));
                }
                return op.get("location").getAsString();
            }
            NodeProcess.sleep(250);
        }
        throw new IOException("stop-with-savepoint of " + jobId + " did not finish within " + timeout);
    }

    private JsonObject get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    private JsonObject post(String path, JsonObject body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private JsonObject send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException(request.method() + " " + request.uri() + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isBlank() ? new JsonObject() : JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
