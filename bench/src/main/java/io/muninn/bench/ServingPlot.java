package io.muninn.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The serving benchmark's plots, through XChart: for each model and each latency (TTFT, TPOT, end to end), latency
 * against request rate, one colour per mode, p50 solid and p99 dashed, on a logarithmic latency axis; written as
 * {@code PREFIX-<model>-<latency>.png}.
 */
final class ServingPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private ServingPlot() {}

    private record Latency(String file, String title, ToDoubleFunction<ServingSummary> p50, ToDoubleFunction<ServingSummary> p99) {}

    /** Writes the three plots of one model's sweep; returns their paths. */
    static List<Path> write(String prefix, String model, Map<String, List<ServingSummary>> byMode) {
        System.setProperty("java.awt.headless", "true");
        List<Latency> latencies = List.of(
                new Latency("ttft", "time to first token", ServingSummary::ttftP50, ServingSummary::ttftP99),
                new Latency("tpot", "time per output token", ServingSummary::tpotP50, ServingSummary::tpotP99),
                new Latency("e2e", "end-to-end latency", ServingSummary::e2eP50, ServingSummary::e2eP99));
        List<Path> out = new ArrayList<>();
        for (Latency l : latencies) {
            XYChart chart = new XYChartBuilder().width(900).height(560).title(model + ": " + l.title() + " vs request rate")
                    .xAxisTitle("request rate (requests/s)").yAxisTitle(l.file().toUpperCase(java.util.Locale.ROOT) + " (ms)").build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmicDecadeOnly(false); // labels within a decade too
            chart.getStyler().setYAxisDecimalPattern("#,##0.#");
            int colour = 0;
            for (Map.Entry<String, List<ServingSummary>> e : byMode.entrySet()) {
                Color c = COLORS[colour++ % COLORS.length];
                addSeries(chart, e.getKey() + " p50", e.getValue(), l.p50(), c, null);
                addSeries(chart, e.getKey() + " p99", e.getValue(), l.p99(), c, DASHED);
            }
            Path path = Path.of(prefix + "-" + model + "-" + l.file() + ".png");
            try {
                if (path.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(path.toAbsolutePath().getParent());
                }
                BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write plot " + path, e);
            }
            out.add(path);
        }
        return out;
    }

    private static void addSeries(XYChart chart, String name, List<ServingSummary> runs, ToDoubleFunction<ServingSummary> y,
            Color colour, BasicStroke stroke) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (ServingSummary s : runs) {
            double v = y.applyAsDouble(s);
            if (v > 0 && !Double.isNaN(v)) { // a log axis takes positive values only; NaN: no request had two tokens
                xs.add(s.rate());
                ys.add(v);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setMarker(SeriesMarkers.CIRCLE);
        if (stroke != null) {
            series.setLineStyle(stroke);
        }
    }
}
