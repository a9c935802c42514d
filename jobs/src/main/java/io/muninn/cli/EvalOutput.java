package io.muninn.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.muninn.model.eval.EvalReport;
import io.muninn.model.eval.LevelStats;
import io.muninn.model.eval.SettingSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code eval} command's table (the format of {@code evaluate.py}'s) and JSON. */
final class EvalOutput {
    private EvalOutput() {}

    /** What was run, for the header line and the JSON's settings. */
    record Settings(Path model, Path evalFile, Integer limit, Integer perLevel, int examples, String kv, double initScale,
            long seed) {}

    static String markdown(EvalReport report, Settings s) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT,
                "%s on %s: %d examples%s, greedy, kv %s, init-scale %s, seed %d; %s exit at %s, max %d steps, %s%n%n",
                s.model(), s.evalFile().getFileName(), s.examples(), subset(s), s.kv(), s.initScale(), s.seed(), report.criterion(),
                number(report.threshold()), report.maxSteps(), report.exitInPrefill() ? "exit in prefill" : "no exit in prefill"));
        String label = report.criterion().equals("kl") ? "KL" : report.criterion();
        List<String> header = new ArrayList<>();
        header.add("difficulty");
        report.fixed().keySet().forEach(r -> header.add("r=" + r));
        header.add(label + " exit");
        header.add(label + " mean steps");
        header.add(label + " mean steps (decoded tokens)");
        row(out, header);
        out.append("|---|").append("---|".repeat(header.size() - 1)).append('\n');
        List<String> levels = new ArrayList<>();
        report.adaptive().byDifficulty().keySet().forEach(d -> levels.add(Integer.toString(d)));
        levels.add("all");
        for (String d : levels) {
            List<String> cells = new ArrayList<>();
            cells.add(d);
            report.fixed().values().forEach(f -> cells.add(pct(stats(f, d).accuracy())));
            LevelStats k = stats(report.adaptive(), d);
            cells.add(pct(k.accuracy()));
            cells.add(steps(k.meanSteps()));
            cells.add(steps(k.meanStepsDecoded()));
            row(out, cells);
        }
        out.append('\n');
        for (EvalReport.Claim c : report.claims()) {
            out.append(String.format(Locale.ROOT, "- %s: %s. %s%n", c.name(), verdict(c.verdict()), c.detail()));
        }
        return out.toString();
    }

    static String json(EvalReport report, Settings s) {
        JsonObject root = new JsonObject();
        JsonObject settings = new JsonObject();
        settings.addProperty("model", s.model().toString());
        settings.addProperty("eval_set", s.evalFile().toString());
        settings.addProperty("limit", s.limit());
        settings.addProperty("per_level", s.perLevel());
        settings.addProperty("examples", s.examples());
        settings.addProperty("criterion", report.criterion());
        settings.addProperty("threshold", report.threshold());
        settings.addProperty("max_steps", report.maxSteps());
        settings.addProperty("init_scale", s.initScale());
        settings.addProperty("seed", s.seed());
        settings.addProperty("kv", s.kv());
        settings.addProperty("exit_in_prefill", report.exitInPrefill());
        settings.addProperty("greedy", true);
        root.add("settings", settings);
        JsonObject fixed = new JsonObject();
        report.fixed().forEach((r, f) -> fixed.add(Integer.toString(r), summary(f)));
        root.add("fixed", fixed);
        root.add(report.criterion(), summary(report.adaptive()));
        JsonArray claims = new JsonArray();
        for (EvalReport.Claim c : report.claims()) {
            JsonObject o = new JsonObject();
            o.addProperty("claim", c.name());
            o.addProperty("verdict", c.verdict().name().toLowerCase(Locale.ROOT));
            o.addProperty("detail", c.detail());
            claims.add(o);
        }
        root.add("claims", claims);
        return new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().setPrettyPrinting()
                .serializeNulls().create().toJson(root) + "\n";
    }

    private static String subset(Settings s) {
        String limit = s.limit() == null ? "" : "the first " + s.limit();
        String perLevel = s.perLevel() == null ? "" : "the first " + s.perLevel() + " per difficulty";
        String both = limit.isEmpty() || perLevel.isEmpty() ? limit + perLevel : limit + ", then " + perLevel;
        return both.isEmpty() ? "" : " (" + both + ")";
    }

    private static JsonObject summary(SettingSummary s) {
        JsonObject o = new JsonObject();
        o.add("overall", stats(s.overall()));
        JsonObject levels = new JsonObject();
        s.byDifficulty().forEach((d, l) -> levels.add(Integer.toString(d), stats(l)));
        o.add("by_difficulty", levels);
        return o;
    }

    private static JsonObject stats(LevelStats l) {
        JsonObject o = new JsonObject();
        o.addProperty("n", l.n());
        o.addProperty("accuracy", l.accuracy());
        o.addProperty("mean_steps", l.meanSteps());
        o.add("mean_steps_decoded", Double.isNaN(l.meanStepsDecoded()) ? JsonNull.INSTANCE : new JsonPrimitive(l.meanStepsDecoded()));
        return o;
    }

    private static LevelStats stats(SettingSummary s, String level) {
        return level.equals("all") ? s.overall() : s.byDifficulty().get(Integer.parseInt(level));
    }

    private static void row(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f", 100 * fraction);
    }

    private static String steps(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** 5e-4 rather than Java's 5.0E-4. */
    static String number(double v) {
        return Double.toString(v).replace(".0E", "E").replace("E", "e");
    }

    private static String verdict(EvalReport.Verdict v) {
        return switch (v) {
            case HOLDS -> "holds";
            case FAILS -> "does NOT hold";
            case UNTESTED -> "not tested";
        };
    }
}
