package io.muninn.model.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The results of one setting (a fixed depth, or an exit criterion): over all examples and per difficulty level.
 *
 * @param overall      every example
 * @param byDifficulty per difficulty level, ascending
 */
public record SettingSummary(LevelStats overall, SortedMap<Integer, LevelStats> byDifficulty) {

    public SettingSummary {
        byDifficulty = Collections.unmodifiableSortedMap(new TreeMap<>(byDifficulty));
    }

    public static SettingSummary of(List<ExampleResult> results) {
        SortedMap<Integer, List<ExampleResult>> groups = new TreeMap<>();
        for (ExampleResult r : results) {
            groups.computeIfAbsent(r.example().difficulty(), d -> new ArrayList<>()).add(r);
        }
        SortedMap<Integer, LevelStats> levels = new TreeMap<>();
        groups.forEach((d, rs) -> levels.put(d, LevelStats.of(rs)));
        return new SettingSummary(LevelStats.of(results), levels);
    }
}
