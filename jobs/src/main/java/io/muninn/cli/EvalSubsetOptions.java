package io.muninn.cli;

import io.muninn.model.eval.EvalExample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which examples of an eval set {@code eval} runs: the first N, then the first N of each difficulty level. */
final class EvalSubsetOptions {
    @Option(names = "--limit", description = "Evaluate only the first N examples (default: all).")
    Integer limit;

    @Option(names = "--per-level", description = "Evaluate only the first N examples of each difficulty level, after --limit (default: all).")
    Integer perLevel;

    /** Fails naming the option when a count is below 1. */
    void validate() {
        if (limit != null) {
            EvalCommand.atLeastOne("--limit", limit);
        }
        if (perLevel != null) {
            EvalCommand.atLeastOne("--per-level", perLevel);
        }
    }

    /** The examples of {@code all} these options select, in file order. */
    List<EvalExample> select(List<EvalExample> all) {
        List<EvalExample> examples = limit != null && limit < all.size() ? all.subList(0, limit) : all;
        if (perLevel == null) {
            return examples;
        }
        Map<Integer, Integer> taken = new HashMap<>();
        List<EvalExample> out = new ArrayList<>();
        for (EvalExample e : examples) {
            if (taken.merge(e.difficulty(), 1, Integer::sum) <= perLevel) {
                out.add(e);
            }
        }
        return out;
    }
}
