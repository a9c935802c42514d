package io.muninn.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {

    @Test
    void passesEverySettingThroughButNeverShowsASecret(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";",
                "ssl.truststore.location=/etc/kafka/truststore.jks",
                "ssl.truststore.password=changeit",
                "ssl.key.password=k3y",
                "ssl.keystore.key=-----BEGIN PRIVATE KEY-----"));
        Properties p = KafkaSettings.load(file);
        assertThat(p).hasSize(7).containsEntry("sasl.mechanism", "PLAIN");
        String shown = KafkaSettings.redacted(p);
        assertThat(shown).contains("security.protocol=SASL_SSL", "ssl.truststore.location=/etc/kafka/truststore.jks",
                "sasl.jaas.config=****", "ssl.truststore.password=****", "ssl.key.password=****", "ssl.keystore.key=****");
        assertThat(shown).doesNotContain("hunter2", "changeit", "k3y", "PRIVATE KEY");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaSettings.load(dir.resolve("nope.properties")))
                .hasMessageContaining("nope.properties").hasMessageContaining("does not exist");
    }
}
