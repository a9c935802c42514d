package io.muninn.bench;

import io.muninn.cli.SubcommandProvider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code muninn bench}: one subcommand per entry of {@link BenchMain#BENCHMARKS}. Each benchmark keeps its own
 * option parsing ({@link BenchArgs}); its subcommand hands it the arguments unchanged and, for {@code --help},
 * prints the options and defaults the benchmark itself declares. The {@code muninn} root finds this command through
 * {@link SubcommandProvider} ({@code META-INF/services}); {@link BenchMain#main} runs it through the root too.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark: muninn bench NAME [options]; muninn bench NAME --help prints its options. "
                + "Benchmarks print tables and assert nothing.")
public final class BenchCommand implements Runnable, SubcommandProvider {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", hidden = true, description = "A name that is no benchmark (an error naming the valid ones).")
    List<String> unknown = new ArrayList<>();

    @Override
    public void run() {
        String names = String.join(", ", names());
        if (unknown.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required; one of: " + names);
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "unknown benchmark '" + unknown.get(0) + "'; valid: " + names);
    }

    @Override
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.setUnmatchedOptionsArePositionalParams(true);
        for (Benchmark b : BenchMain.BENCHMARKS) {
            CommandLine sub = new CommandLine(new Run(b));
            sub.getCommandSpec().usageMessage().description(b.description());
            sub.setUnmatchedOptionsArePositionalParams(true);
            cl.addSubcommand(b.name(), sub);
        }
        return cl;
    }

    static List<String> names() {
        return BenchMain.BENCHMARKS.stream().map(Benchmark::name).toList();
    }

    /** One benchmark: its arguments go to its {@code main} as given. */
    @Command
    static final class Run implements Callable<Integer> {
        private final Benchmark benchmark;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "OPTION", description = "The benchmark's options; --help lists them.")
        List<String> args = new ArrayList<>();

        Run(Benchmark benchmark) {
            this.benchmark = benchmark;
        }

        @Override
        public Integer call() throws Exception {
            try {
                benchmark.main().run(args.toArray(String[]::new));
            } catch (BenchArgs.HelpRequested help) {
                printHelp(help.defaults, spec.commandLine().getOut());
            }
            return 0;
        }

        /** The benchmark's help from its own option declarations: each option with its default, switches as --[no-]name. */
        private void printHelp(Map<String, String> defaults, PrintWriter out) {
            CommandSpec help = CommandSpec.create().name(spec.qualifiedName());
            help.usageMessage().description(benchmark.description());
            for (Map.Entry<String, String> o : new TreeMap<>(defaults).entrySet()) {
                String value = o.getValue().isEmpty() ? "(none)" : o.getValue();
                OptionSpec.Builder option = BenchArgs.isSwitch(defaults, o.getKey())
                        ? OptionSpec.builder(o.getKey()).type(boolean.class).arity("0").negatable(true)
                        : OptionSpec.builder(o.getKey()).paramLabel("VALUE").type(String.class);
                help.addOption(option.description("default: " + value).build());
            }
            new CommandLine(help).usage(out);
            out.flush();
        }
    }
}
