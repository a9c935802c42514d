package io.muninn.model.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.muninn.model.config.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hugging Face's {@code model.safetensors.index.json}: its {@code weight_map} names, for every tensor, the shard
 * file (in the same directory) that holds it. Other fields ({@code metadata.total_size}) are ignored.
 */
final class ShardIndex {
    private ShardIndex() {}

    /**
     * Tensor name to shard file name, sorted by tensor name.
     *
     * @throws CheckpointException when the index is malformed or names a file outside its directory
     */
    static Map<String, String> read(Path indexFile) throws IOException {
        JsonObject index;
        try {
            index = StrictJson.parseObject(Files.readString(indexFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("%s: not a valid JSON object: %s", indexFile, e.getMessage());
        }
        JsonElement weightMap = index.get("weight_map");
        if (weightMap == null || !weightMap.isJsonObject()) {
            throw new CheckpointException("%s: weight_map must be an object mapping tensor names to shard files but"
                    + " was %s", indexFile, weightMap);
        }
        Map<String, String> shards = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : weightMap.getAsJsonObject().entrySet()) {
            JsonElement shard = entry.getValue();
            if (!shard.isJsonPrimitive() || !shard.getAsJsonPrimitive().isString() || !isPlainFileName(shard)) {
                throw new CheckpointException("%s: weight_map maps %s to %s but a shard must be a file name in the"
                        + " same directory", indexFile, entry.getKey(), shard);
            }
            shards.put(entry.getKey(), shard.getAsString());
        }
        return shards;
    }

    private static boolean isPlainFileName(JsonElement shard) {
        String name = shard.getAsString();
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0;
    }
}
