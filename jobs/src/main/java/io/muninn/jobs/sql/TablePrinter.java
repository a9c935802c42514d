package io.muninn.jobs.sql;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** Prints a statement's result as a text table once all its rows are in (bounded queries). */
final class TablePrinter {
    private TablePrinter() {}

    /** Collects every row of {@code result} and prints them; returns the row count. */
    static int print(TableResult result, PrintWriter out) throws Exception {
        List<String> names = result.getResolvedSchema().getColumnNames();
        List<String[]> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                String[] cells = new String[names.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = text(r.getField(i));
                }
                rows.add(cells);
            }
        }
        int[] width = new int[names.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = names.get(i).length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        String rule = rule(width);
        out.println(rule);
        out.println(line(names.toArray(String[]::new), width));
        out.println(rule);
        for (String[] row : rows) {
            out.println(line(row, width));
        }
        out.println(rule);
        out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
        out.flush();
        return rows.size();
    }

    static String text(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Object[] array) {
            return Arrays.toString(array);
        }
        if (v instanceof int[] ints) {
            return Arrays.toString(ints);
        }
        return v.toString().replace("\n", "\\n");
    }

    private static String rule(int[] width) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : width) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            sb.append(' ').append(cells[i]).append(" ".repeat(width[i] - cells[i].length())).append(" |");
        }
        return sb.toString();
    }
}
