package io.muninn.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;

/** sql/README.md's option table is what the factory accepts: the same keys, the same defaults. */
class SqlOptionsReadmeTest {

    @Test
    void theReadmeTableListsEveryOptionWithItsDefault() throws IOException, IllegalAccessException {
        Map<String, String> documented = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z][a-z.-]+)` \\| ([^|]+) \\|").matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim().replace("`", ""));
        }
        Map<String, String> code = new TreeMap<>();
        for (Field f : MuninnModelOptions.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                code.put(option.key(), option.hasDefaultValue() ? shown(option.defaultValue()) : null);
            }
        }
        var factory = new MuninnModelProviderFactory();
        Set<String> accepted = java.util.stream.Stream.concat(factory.requiredOptions().stream(),
                factory.optionalOptions().stream()).map(ConfigOption::key).collect(Collectors.toSet());

        assertThat(accepted).as("the factory accepts every option").isEqualTo(code.keySet());
        assertThat(documented.keySet()).isEqualTo(code.keySet());
        for (var e : code.entrySet()) {
            String readme = documented.get(e.getKey());
            if (e.getValue() == null) {
                assertThat(readme).as(e.getKey()).matches("\\(required\\)|not set.*|the criterion's");
            } else if (e.getValue().startsWith("mem:")) {
                assertThat(MemorySize.parse(readme).getBytes()).as(e.getKey()).isEqualTo(Long.parseLong(e.getValue().substring(4)));
            } else {
                assertThat(readme).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static String shown(Object v) {
        return v instanceof MemorySize size ? "mem:" + size.getBytes() : String.valueOf(v);
    }
}
