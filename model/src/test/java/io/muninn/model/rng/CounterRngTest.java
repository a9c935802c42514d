package io.muninn.model.rng;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CounterRngTest {
    private static JsonObject golden;

    @BeforeAll
    static void readGoldenVectors() throws IOException {
        try (InputStream in = CounterRngTest.class.getResourceAsStream("/golden/rng-vectors.json")) {
            assertThat(in).as("golden/rng-vectors.json on the test classpath").isNotNull();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                golden = JsonParser.parseReader(reader).getAsJsonObject();
            }
        }
    }

    private static JsonArray vectors(String name) {
        JsonArray array = golden.getAsJsonArray(name);
        assertThat(array).as("golden vectors '%s'", name).isNotNull().isNotEmpty();
        return array;
    }

    /** Every golden vector of {@code name}: its {@code value} is what {@code function} computes from its inputs. */
    private static void assertEveryVector(String name, ToDoubleFunction<JsonObject> function) {
        for (JsonElement element : vectors(name)) {
            JsonObject v = element.getAsJsonObject();
            assertThat(function.applyAsDouble(v)).as("%s%s", name, v).isEqualTo(v.get("value").getAsDouble());
        }
    }

    @Test
    void uniformReproducesEveryGoldenVector() {
        assertEveryVector("uniform", v -> CounterRng.uniform(v.get("seed").getAsLong(), v.get("stream").getAsInt(),
                v.get("position").getAsLong(), v.get("index").getAsLong()));
    }

    @Test
    void truncatedNormalReproducesEveryGoldenVector() {
        assertEveryVector("truncated_normal", v -> CounterRng.truncatedNormal(v.get("seed").getAsLong(),
                v.get("position").getAsLong(), v.get("index").getAsLong()));
    }

    @Test
    void ndtriReproducesEveryGoldenVector() {
        assertEveryVector("ndtri", v -> CounterRng.ndtri(v.get("p").getAsDouble()));
    }

    @Test
    void seedIsTreatedAsUnsigned64Bits() {
        // 0xFFFF_FFFF_FFFF_FFFF in the reference is -1L here; value from tools/reference/muninn_rng.py.
        assertThat(CounterRng.uniform(-1L, CounterRng.STREAM_SAMPLE, 0, 0)).isEqualTo(0.35268828892101894);
    }

    @Test
    void mix64IsSplitMix64Finaliser() {
        assertThat(CounterRng.mix64(0)).isEqualTo(0L);
        // first output of SplitMix64 seeded with 0: mix64(0 + GOLDEN)
        assertThat(CounterRng.mix64(0x9E3779B97F4A7C15L)).isEqualTo(0xE220A8397B1DCDAFL);
    }

    @Test
    void initialStateRowMatchesReference() {
        // tools/reference/muninn_rng.py: initial_state_row(42, 5, 6, 0.0125, 1.0, 72.66360849833)
        float[] out = new float[8];
        Arrays.fill(out, 9f);
        CounterRng.initialStateRow(42, 5, 0.0125, 1.0, 72.66360849833, out, 1, 6);
        assertThat(out).containsExactly(9f, 0.19748617708683014f, -0.39177677035331726f, -0.5754956603050232f,
                -1.367398738861084f, -1.343003273010254f, 1.380907654762268f, 9f);

        // initial_state_row(-7, 4096, 4, sqrt(2 / (5 * 5280)), 0.5, sqrt(5280)): Huginn-0125's init values
        float[] huginn = new float[4];
        CounterRng.initialStateRow(-7, 4096, Math.sqrt(2.0 / (5 * 5280)), 0.5, Math.sqrt(5280), huginn, 0, 4);
        assertThat(huginn).containsExactly(0.40270623564720154f, -0.018242521211504936f, 0.2871093451976776f,
                0.8587172031402588f);
    }

    @Test
    void initialStateRowIsZeroWhenInitScaleIsZero() {
        float[] out = {1f, 2f, 3f, 4f};
        CounterRng.initialStateRow(1, 2, 0.02, 0.0, 70.0, out, 1, 2);
        assertThat(out).containsExactly(1f, 0f, 0f, 4f);
    }

    @Test
    void initialStateRowRejectsARowThatDoesNotFit() {
        assertThatThrownBy(() -> CounterRng.initialStateRow(1, 2, 0.02, 1.0, 70.0, new float[4], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row [2, 5) does not fit in out of length 4");
        assertThatThrownBy(() -> CounterRng.initialStateRow(1, 2, 0.02, 1.0, 70.0, new float[4], 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden must be >= 0 but was -1");
    }

    @Test
    void initialStateRowDependsOnlyOnItsPosition() {
        float[] alone = new float[16];
        CounterRng.initialStateRow(99, 17, 0.02, 1.0, 10.0, alone, 0, 16);
        float[] batch = new float[3 * 16];
        for (int row = 0; row < 3; row++) {
            CounterRng.initialStateRow(99, 16 + row, 0.02, 1.0, 10.0, batch, row * 16, 16);
        }
        assertThat(Arrays.copyOfRange(batch, 16, 32)).containsExactly(alone);
    }

    @Test
    void uniformsAreUniformAndInRange() {
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        int[] deciles = new int[10];
        for (int i = 0; i < n; i++) {
            double u = CounterRng.uniform(12345, CounterRng.STREAM_SAMPLE, i, 0);
            assertThat(u).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
            sum += u;
            sumSq += u * u;
            deciles[Math.min(9, (int) (u * 10))]++;
        }
        double mean = sum / n;
        assertThat(mean).isCloseTo(0.5, within(0.005));
        assertThat(sumSq / n - mean * mean).isCloseTo(1.0 / 12, within(0.002));
        for (int count : deciles) {
            assertThat(count).isCloseTo(n / 10, within(n / 100));
        }
    }

    @Test
    void truncatedNormalsHaveTheTruncatedMomentsAndBounds() {
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double z = CounterRng.truncatedNormal(7, i / 512, i % 512);
            sum += z;
            sumSq += z * z;
            min = Math.min(min, z);
            max = Math.max(max, z);
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        // Var of N(0,1) truncated to [-3, 3]: 1 - 2*3*phi(3) / (Phi(3) - Phi(-3)) = 0.9733...
        double phi3 = Math.exp(-4.5) / Math.sqrt(2 * Math.PI);
        double expectedVariance = 1 - 6 * phi3 / (1 - 2 * 0.0013498980316300946);
        assertThat(mean).isCloseTo(0.0, within(0.01));
        assertThat(variance).isCloseTo(expectedVariance, within(0.01));
        assertThat(min).isGreaterThanOrEqualTo(-3.0).isLessThan(-2.9);
        assertThat(max).isLessThanOrEqualTo(3.0).isGreaterThan(2.9);
    }

    @Test
    void ndtriInvertsTheNormalCdfAtKnownQuantiles() {
        assertThat(CounterRng.ndtri(0.5)).isEqualTo(0.0);
        assertThat(CounterRng.ndtri(0.8413447460685429)).isCloseTo(1.0, within(1e-14));
        assertThat(CounterRng.ndtri(0.15865525393145707)).isCloseTo(-1.0, within(1e-14));
        assertThat(CounterRng.ndtri(0.9986501019683699)).isCloseTo(3.0, within(1e-13));
        for (double p = 0.001; p < 0.5; p += 0.0137) {
            assertThat(CounterRng.ndtri(p)).as("symmetry at %s", p).isCloseTo(-CounterRng.ndtri(1 - p), within(1e-12));
        }
    }
}
