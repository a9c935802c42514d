package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plots are PNG images, one per latency and model, under the prefix asked for. */
class ServingPlotTest {

    @Test
    void writesOnePngPerLatency(@TempDir Path dir) throws Exception {
        Map<String, List<ServingSummary>> byMode = new LinkedHashMap<>();
        byMode.put("step-level", List.of(run("step-level", 1, 10), run("step-level", 2, 20)));
        byMode.put("static", List.of(run("static", 1, 30), run("static", 2, Double.NaN)));
        List<Path> written = ServingPlot.write(dir.resolve("sub/run").toString(), "tiny", byMode);
        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactly("run-tiny-ttft.png", "run-tiny-tpot.png", "run-tiny-e2e.png");
        for (Path p : written) {
            BufferedImage image = ImageIO.read(p.toFile());
            assertThat(image).as(p.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
            assertThat(image.getHeight()).isEqualTo(560);
        }
    }

    private static ServingSummary run(String mode, double rate, double latency) {
        return new ServingSummary(mode, rate, 4, 16, 2, latency, 2 * latency, latency / 4, latency / 2, 3 * latency,
                4 * latency, 4, true, 4, null);
    }
}
