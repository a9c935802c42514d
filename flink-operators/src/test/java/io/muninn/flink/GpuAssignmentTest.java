package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

class GpuAssignmentTest {

    /** What the GPU plugin reports: one info per assigned GPU with an "index" property. */
    private record Info(Map<String, String> properties) implements ExternalResourceInfo {
        @Override
        public Optional<String> getProperty(String key) {
            return Optional.ofNullable(properties.get(key));
        }

        @Override
        public Collection<String> getKeys() {
            return properties.keySet();
        }
    }

    @Test
    void takesTheFirstAssignedIndex() {
        assertThat(GpuAssignment.index(List.of(new Info(Map.of("index", "3")), new Info(Map.of("index", "1")))))
                .isEqualTo(OptionalInt.of(3));
    }

    @Test
    void noAssignmentMeansCpu() {
        assertThat(GpuAssignment.index(List.of())).isEmpty();
        assertThat(GpuAssignment.index(List.of(new Info(Map.of())))).isEmpty();
    }

    @Test
    void aMalformedIndexNamesTheValue() {
        assertThatThrownBy(() -> GpuAssignment.index(List.of(new Info(Map.of("index", "GPU-7f3a")))))
                .hasMessageContaining("'GPU-7f3a'")
                .hasMessageContaining("discovery script");
    }
}
