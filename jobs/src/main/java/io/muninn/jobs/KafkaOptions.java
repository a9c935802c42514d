package io.muninn.jobs;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The Kafka cluster and its client settings; shared by generate (which needs it) and annotate (for topics). */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (generate: required; annotate: for "
            + "--input-topic or --output-topic).")
    public String bootstrap;

    @Option(names = "--kafka-properties", description = "Properties file passed to every Kafka client "
            + "(security.protocol, sasl.*, ssl.*); secret values are never printed.")
    public Path kafkaProperties;

    /** Fails as picocli does for a missing required option (exit code 2) when no bootstrap servers were given. */
    public String requireBootstrap(CommandSpec spec) {
        if (bootstrap == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--bootstrap-servers'");
        }
        return bootstrap;
    }
}
