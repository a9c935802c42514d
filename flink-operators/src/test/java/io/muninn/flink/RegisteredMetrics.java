package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/** The operator's metrics of group {@code muninn}, by their name below it, as a registry received them. */
final class RegisteredMetrics {
    final Map<String, Metric> byName = new HashMap<>();
    final TestingMetricRegistry registry = TestingMetricRegistry.builder()
            .setDelimiter('.')
            .setRegisterConsumer((metric, name, group) -> {
                String id = group.getMetricIdentifier(name);
                int at = id.indexOf(".muninn.");
                if (at >= 0) {
                    byName.put(id.substring(at + ".muninn.".length()), metric);
                }
            })
            .build();

    long count(String name) {
        Metric m = byName.get(name);
        assertThat(m).as("metric %s is registered (have %s)", name, byName.keySet()).isNotNull();
        return m instanceof Counter c ? c.getCount() : ((Histogram) m).getCount();
    }

    double gauge(String name) {
        Metric m = byName.get(name);
        assertThat(m).as("metric %s is registered (have %s)", name, byName.keySet()).isInstanceOf(Gauge.class);
        return ((Number) ((Gauge<?>) m).getValue()).doubleValue();
    }
}
