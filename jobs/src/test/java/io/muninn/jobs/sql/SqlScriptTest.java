package io.muninn.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String script = "-- a comment; not a statement\nSET 'a' = 'b;c';\n/* block; comment */ CREATE TABLE t (x STRING) "
                + "WITH ('k' = 'it''s; fine');\n\nSELECT `odd;name` FROM t;  -- trailing\n";
        assertThat(SqlScript.statements(script)).isEqualTo(List.of("SET 'a' = 'b;c'",
                "CREATE TABLE t (x STRING) WITH ('k' = 'it''s; fine')", "SELECT `odd;name` FROM t"));
    }

    @Test
    void anUnterminatedQuoteIsAnErrorNamingWhereItStarts() {
        assertThatThrownBy(() -> SqlScript.statements("SELECT 'abc FROM t;"))
                .hasMessageContaining("unterminated ' quote starting at character 7");
    }
}
