package io.muninn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model and the prompt's token ids of a command that runs one sequence (logits, trace). */
final class ModelAndTokens {
    @Option(names = "--model", required = true, description = "Model directory (config.json, model.safetensors).")
    Path model;

    @Option(names = "--tokens", required = true, converter = TokenIds.Converter.class,
            description = "Prompt token ids, e.g. 3,17,42.")
    TokenIds tokenIds;
}
