package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CSV records through the CSV library: quoting, doubled quotes, line breaks in fields, the header, bad rows. */
class CsvRecordsTest {

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaksUnderTheHeader() throws IOException {
        List<InputRecord> records = read("id,question,note\r\n"
                + "7,\"What is 2, plus 2?\",\"say \"\"four\"\"\"\n"
                + "\n"
                + "8,\"first line\nsecond line\",plain\n"
                + "9,,\"\"\n");
        assertThat(records).extracting(r -> r.error).containsOnlyNulls();
        assertThat(records).extracting(r -> RecordFormat.fields(r.text)).containsExactly(
                Map.of("id", "7", "question", "What is 2, plus 2?", "note", "say \"four\""),
                Map.of("id", "8", "question", "first line\nsecond line", "note", "plain"),
                Map.of("id", "9", "question", "", "note", ""));
        assertThat(RecordFormat.fields(records.get(0).text).keySet()).containsExactly("id", "question", "note");
    }

    @Test
    void aRowWithoutAValueForAColumnIsRejectedNamingTheColumn() throws IOException {
        List<InputRecord> records = read("id,question,note\n1,\"two, words\"\n2,b,c,d\n3,x,y\n");
        assertThat(records).hasSize(3);
        assertThat(records.get(0).field).isEqualTo("note");
        assertThat(records.get(0).error).isEqualTo("CSV record 1 has no value for column 'note': it has 2 fields "
                + "but the header has 3 [id, question, note]");
        assertThat(records.get(0).text).isEqualTo("1,\"two, words\"");
        assertThat(records.get(1).error).isEqualTo("CSV record 2 has 4 fields but the header has 3 [id, question, note]");
        assertThat(records.get(2).error).isNull();
        assertThat(RecordFormat.fields(records.get(2).text)).containsEntry("note", "y");
    }

    @Test
    void anUnclosedQuoteEndsTheFileWithOneRejectedRecord() throws IOException {
        List<InputRecord> records = read("id,question\n1,fine\n2,\"never closed\n3,lost\n");
        assertThat(records).hasSize(2);
        assertThat(records.get(0).error).isNull();
        assertThat(records.get(1).error).startsWith("CSV record 2 is malformed and ends the file's records: ");
    }

    @Test
    void anEmptyFileHasNoRecords() throws IOException {
        assertThat(read("")).isEmpty();
        assertThat(read("id,question\n")).isEmpty();
    }

    private static List<InputRecord> read(String csv) throws IOException {
        List<InputRecord> out = new ArrayList<>();
        CsvRecords.forEach(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), out::add);
        return out;
    }
}
