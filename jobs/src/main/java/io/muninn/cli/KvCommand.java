package io.muninn.cli;

import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.kv.KvStrategy;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** KV-cache bytes per token under each lookup strategy, for capacity planning. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Print KV-cache bytes per token for each strategy: worst case (every token at max steps) and at a typical depth.")
final class KvCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model directory (only config.json is read).")
    Path model;

    @Option(names = "--typical-steps", defaultValue = "12", description = "Depth for the typical column (default: ${DEFAULT-VALUE}).")
    int typicalSteps;

    @Mixin
    StepCapOption stepCap;

    @Option(names = "--strategies", split = ",", description = "Strategies to list (default: the common ones).")
    List<String> strategies;

    @Override
    public Integer call() {
        ModelConfig c = ConfigReader.read(model.resolve(ConfigReader.FILE_NAME));
        int cap = stepCap.resolve(c);
        List<String> names = strategies != null ? strategies : KvStrategy.EXAMPLES;
        System.out.printf(Locale.ROOT, "| strategy | slots | bytes/token at %d steps | bytes/token at %d steps |%n", cap, typicalSteps);
        System.out.println("|---|---:|---:|---:|");
        for (String name : names) {
            KvLayout layout = new KvLayout(c.preludeLayers(), c.coreLayers(), c.codaLayers(), cap, KvStrategy.parse(name, c.coreLayers()));
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d |%n", name, layout.slotCount(),
                    layout.bytesPerTokenWorstCase(c.hiddenSize()), layout.bytesPerToken(c.hiddenSize(), Math.min(typicalSteps, cap)));
        }
        return 0;
    }
}
