package io.muninn.cli;

import io.muninn.jobs.annotate.AnnotateCommand;
import io.muninn.jobs.demo.DemoCommand;
import io.muninn.jobs.generate.GenerateCommand;
import io.muninn.jobs.sql.SqlCommand;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code muninn} command line, the one root of every command: inspection, generation, jobs and (from the bench
 * module, through {@link SubcommandProvider}) benchmarks.
 */
@Command(
        name = "muninn",
        mixinStandardHelpOptions = true,
        version = "muninn 0.1.0",
        description = "Serves recurrent-depth language models (Huginn format) with recurrence-step batching.",
        subcommands = {DemoCommand.class, GenerateCommand.class, AnnotateCommand.class, SqlCommand.class, LogitsCommand.class, TraceCommand.class, KvCommand.class, EvalCommand.class})
public final class Muninn implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run commands through it). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Muninn());
        for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
            cl.addSubcommand(provider.commandLine());
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setUnmatchedArgumentsAllowed(false);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("muninn " + cmd.getCommandName() + ": " + ex.getMessage());
            return 1;
        });
        return cl;
    }
}
