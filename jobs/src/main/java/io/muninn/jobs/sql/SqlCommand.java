package io.muninn.jobs.sql;

import io.muninn.jobs.ClusterOptions;
import io.muninn.jobs.Environments;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a Flink SQL script: on the embedded default (a MiniCluster in this process) or, with {@code --jobmanager},
 * on a cluster, shipping the job jar (which holds the {@code muninn} model provider). Statements run in order; a
 * query's rows are printed as a table when it ends; an INSERT (or EXECUTE STATEMENT SET) waits for its job here and is
 * submitted and left running on a cluster.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a Flink SQL script (CREATE MODEL ... WITH ('provider' = 'muninn'), ML_PREDICT, ...) and "
                + "print each query's rows as a table.")
public final class SqlCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The SQL script: statements separated by ';'.")
    Path file;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink configuration option for the jobs.")
    Map<String, String> flinkOptions = Map.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("FILE " + file + " does not exist");
        }
        List<String> statements = SqlScript.statements(Files.readString(file));
        Configuration conf = Configuration.fromMap(flinkOptions);
        Path jar = cluster.jobJar != null ? cluster.jobJar : defaultJobJar();
        StreamExecutionEnvironment env = Environments.of(cluster.jobManager, jar, cluster.parallelism, conf);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        PrintWriter out = spec.commandLine().getOut();
        for (String statement : statements) {
            java.util.regex.Matcher set = SET.matcher(statement);
            if (set.matches()) { // the SQL client's SET, which TableEnvironment.executeSql does not take
                tables.getConfig().getConfiguration().setString(unquote(set.group(1)), unquote(set.group(2)));
                out.println("SET " + set.group(1) + " = " + set.group(2));
                out.flush();
                continue;
            }
            TableResult result;
            try {
                result = tables.executeSql(statement);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("statement failed: " + firstLine(statement) + "\n" + messages(e), e);
            }
            boolean writes = WRITES.matcher(statement).lookingAt(); // INSERT's result is a row count, not rows
            if (!writes && result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                TablePrinter.print(result, out);
            } else if (result.getJobClient().isPresent()) {
                var job = result.getJobClient().get();
                out.println("Submitted job " + job.getJobID() + " for: " + firstLine(statement));
                out.flush();
                if (cluster.jobManager == null) {
                    result.await(); // the embedded cluster lives as long as this process
                }
            } else {
                out.println("OK: " + firstLine(statement));
                out.flush();
            }
        }
        return 0;
    }

    private static final java.util.regex.Pattern WRITES = java.util.regex.Pattern.compile(
            "(?is)\\s*(INSERT|EXECUTE)\\b");
    private static final java.util.regex.Pattern SET = java.util.regex.Pattern.compile(
            "(?is)SET\\s+('(?:[^']|'')*'|\\S+)\\s*=\\s*('(?:[^']|'')*'|\\S+)");

    private static String unquote(String s) {
        return s.startsWith("'") ? s.substring(1, s.length() - 1).replace("''", "'") : s;
    }

    private static Path defaultJobJar() {
        Path target = Path.of("jobs", "target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("muninn-jobs-.*-job\\.jar")).findFirst()
                    .orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String firstLine(String statement) {
        String line = statement.lines().findFirst().orElse("").strip();
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getMessage() != null && sb.indexOf(c.getMessage()) < 0) {
                sb.append(sb.length() == 0 ? "" : "\ncaused by: ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
