package io.muninn.cli;

import picocli.CommandLine;

/**
 * A subcommand that another module adds to the {@code muninn} root. The bench module depends on this one, so the root
 * cannot name its commands; it finds them with {@link java.util.ServiceLoader} ({@code META-INF/services}) on the
 * class path instead. {@code bin/muninn} runs with the bench module's class path, so {@code muninn --help} lists
 * {@code bench}; a job jar without the bench module simply has no {@code bench} command.
 */
public interface SubcommandProvider {
    /** The subcommand, named, with its own subcommands and parser settings. */
    CommandLine commandLine();
}
