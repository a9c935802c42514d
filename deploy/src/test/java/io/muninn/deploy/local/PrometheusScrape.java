package io.muninn.deploy.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's Prometheus reporter on one of the local cluster's processes: the port it took (the first free one of
 * config.yaml's range), read from the process's own log so that another cluster's endpoint on this machine cannot
 * stand in for it, and its {@code /metrics} text.
 */
final class PrometheusScrape {
    /** The range in deploy/local/conf/config.yaml. */
    static final int FIRST_PORT = 9249;
    static final int LAST_PORT = 9259;
    private static final Pattern STARTED = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");

    /** One scrape: the port (-1 while the reporter has not logged it) and the text ("" while nothing answered). */
    record Result(int port, String text) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Scrapes the reporter of {@code process} (whose Flink log is {@code log}) until {@code done} accepts the text,
     * the process died or {@code patience} ran out (a bound, so a broken reporter fails the test instead of hanging
     * it); returns the last scrape.
     */
    Result until(NodeProcess process, Path log, Predicate<String> done, Duration patience) throws Exception {
        long giveUpAt = System.nanoTime() + patience.toNanos();
        Result last = new Result(-1, "");
        while (!done.test(last.text()) && System.nanoTime() < giveUpAt && process.isAlive()) {
            Matcher m = STARTED.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                int port = Integer.parseInt(m.group(1));
                last = new Result(port, get(port));
            }
            if (!done.test(last.text())) {
                Thread.sleep(500);
            }
        }
        return last;
    }

    private String get(int port) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // not serving yet
        }
    }

    /** The value of the first sample of the metric family {@code name} (labels ignored); -1 when it is not there. */
    static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*\\} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** The value of {@code name}'s sample with {@code quantile="q"}; -1 when it is not there. */
    static double quantile(String text, String name, String q) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*quantile=\"" + Pattern.quote(q)
                + "\"[^}]*\\} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
