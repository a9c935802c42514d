package io.muninn.jobs.annotate;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * CSV files as records for a Flink {@code FileSource}, read with Jackson's CSV parser (RFC 4180: fields quoted with
 * {@code "}, a quote inside a quoted field doubled, quoted fields may hold commas and line breaks). The first row of
 * each file is its header and names the columns; blank lines are skipped. Each row becomes a JSON object line of
 * column -> value, in header order; a row with fewer or more fields than the header becomes a rejected record naming
 * the missing column or the count. A file is read by one reader from start to end (not splittable: a line break may
 * sit inside a field); after a restore Flink re-reads it and skips the records already emitted.
 */
public final class CsvRecords extends SimpleStreamFormat<InputRecord> {
    private static final long serialVersionUID = 1L;
    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    @Override
    public Reader<InputRecord> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        return new RowReader(stream);
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }

    /** Reads every record of a CSV stream (outside Flink: counting records, tests). */
    static void forEach(InputStream in, Consumer<InputRecord> action) throws IOException {
        try (RowReader reader = new RowReader(in)) {
            for (InputRecord r = reader.read(); r != null; r = reader.read()) {
                action.accept(r);
            }
        }
    }

    private static final class RowReader implements Reader<InputRecord> {
        private final MappingIterator<String[]> rows;
        private List<String> columns;
        private long record; // 1-based number of the current record after the header
        private boolean broken;

        RowReader(InputStream in) throws IOException {
            this.rows = MAPPER.readerFor(String[].class).with(CsvSchema.emptySchema())
                    .readValues(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        @Override
        public InputRecord read() throws IOException {
            if (broken) {
                return null;
            }
            String[] values;
            try {
                if (!rows.hasNextValue()) {
                    return null;
                }
                values = rows.nextValue();
            } catch (IOException | RuntimeException e) {
                // the parser cannot find the next record boundary after malformed CSV: report it, stop this file
                broken = true;
                String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                return InputRecord.rejected("", "record", "CSV " + (columns == null ? "header" : "record "
                        + (record + 1)) + " is malformed and ends the file's records: " + why);
            }
            if (columns == null) {
                columns = List.of(values);
                return read();
            }
            record++;
            return toRecord(values);
        }

        private InputRecord toRecord(String[] values) throws IOException {
            if (values.length < columns.size()) {
                return InputRecord.rejected(asCsv(values), columns.get(values.length), String.format(
                        "CSV record %d has no value for column '%s': it has %d fields but the header has %d %s",
                        record, columns.get(values.length), values.length, columns.size(), columns));
            }
            if (values.length > columns.size()) {
                return InputRecord.rejected(asCsv(values), "record", String.format(
                        "CSV record %d has %d fields but the header has %d %s",
                        record, values.length, columns.size(), columns));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                fields.put(columns.get(i), values[i]);
            }
            return InputRecord.line(GSON.toJson(fields));
        }

        private static String asCsv(String[] values) throws IOException {
            String row = MAPPER.writerFor(String[].class).with(CsvSchema.emptySchema())
                    .writeValueAsString(Arrays.asList(values).toArray(new String[0]));
            return row.endsWith("\n") ? row.substring(0, row.length() - 1) : row;
        }

        @Override
        public void close() throws IOException {
            rows.close();
        }
    }
}
