package io.muninn.flink;

import java.util.Collection;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * The GPU that Flink's external resource framework assigned to this task manager ({@code external-resources: gpu},
 * with the {@code flink-external-resource-gpu} plugin): the {@code index} property of the first {@code gpu} info.
 * Several slots of one task manager share its GPUs; the first assigned one is used. Public for the SQL model
 * provider ({@code sql/}), whose engine thread binds to the same device.
 */
public final class GpuAssignment {
    public static final String RESOURCE = "gpu";

    private GpuAssignment() {}

    public static OptionalInt index(Collection<ExternalResourceInfo> infos) {
        for (ExternalResourceInfo info : infos) {
            var index = info.getProperty("index");
            if (index.isPresent()) {
                try {
                    return OptionalInt.of(Integer.parseInt(index.get().trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalStateException(String.format(
                            "external resource '%s' reported index '%s', which is not an integer; check the GPU "
                                    + "discovery script's output", RESOURCE, index.get()), e);
                }
            }
        }
        return OptionalInt.empty();
    }
}
