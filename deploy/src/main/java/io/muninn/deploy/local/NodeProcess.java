package io.muninn.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One process of the local cluster (a broker, a JobManager, a TaskManager): started with its output in a log file
 * and its PID in a pid file, so that it can be stopped by PID from another JVM ({@code deploy/local/down}).
 */
public record NodeProcess(String name, ProcessHandle handle, Path log, Path pidFile) {

    /** Starts {@code command} detached from this JVM's lifetime: it keeps running if the caller exits. */
    static NodeProcess start(String name, List<String> command, Map<String, String> env, Path log, Path pidFile) {
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(pidFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            Files.writeString(pidFile, p.pid() + "\n", StandardCharsets.US_ASCII);
            return new NodeProcess(name, p.toHandle(), log, pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /**
     * The process whose PID {@code pidFile} holds, if it is still alive and still one of ours (its command line
     * names {@code marker}, the run directory), so that a recycled PID is never signalled.
     */
    static Optional<NodeProcess> fromPidFile(String name, Path pidFile, Path log, String marker) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .map(h -> new NodeProcess(name, h, log, pidFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(pidFile + " does not hold a PID", e);
        }
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** SIGKILL: the process gets no chance to clean up, as when a machine dies. */
    public void kill() {
        handle.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        deletePidFile();
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        if (handle.isAlive()) {
            handle.destroy();
            if (!awaitExit(grace)) {
                handle.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
            }
        }
        deletePidFile();
    }

    private boolean awaitExit(Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the log, for error messages. */
    String tail() {
        String text = logText();
        return "last lines of " + log + ":\n" + text.substring(Math.max(0, text.length() - 3000));
    }

    /**
     * Runs a short-lived command (a tool, not a cluster process) to completion with its output in {@code out};
     * returns that output, or fails with it when the command fails or outlives {@code timeout}.
     */
    static String runToCompletion(String what, List<String> command, Map<String, String> env, Path out, Duration timeout) {
        try {
            Files.createDirectories(out.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + timeout + ":\n" + text);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + handle.pid() + ")";
    }
}
