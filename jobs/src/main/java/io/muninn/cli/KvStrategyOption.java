package io.muninn.cli;

import picocli.CommandLine.Option;

/** The KV lookup strategy of a command's engine (trace, eval), with its old name kept hidden for one release. */
final class KvStrategyOption {
    @Option(names = "--kv-strategy", description = "KV lookup strategy, e.g. latest-m4, full, latest-m4-compress-s16 "
            + "(default: ${DEFAULT-VALUE}).")
    private String kv = "latest-m4"; // an initial value, not defaultValue: picocli applies a defaultValue after --kv

    @Option(names = "--kv", hidden = true, description = "Old name of --kv-strategy, kept for one release.")
    void oldName(String value) {
        kv = value;
    }

    String strategy() {
        return kv;
    }
}
