package io.muninn.model.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.muninn.model.config.StrictJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parsed JSON header of one safetensors file: every tensor entry validated against the size of the data
 * section, plus the optional {@code __metadata__} string map. Messages start with the file's path.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";

    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Tensors by name, sorted by name. */
    Map<String, TensorInfo> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    static SafetensorsHeader parse(Path file, String json, long dataBytes) {
        JsonObject header;
        try {
            header = StrictJson.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("%s: header is not a valid JSON object: %s", file, e.getMessage());
        }
        Map<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                readMetadata(file, entry.getValue(), metadata);
            } else {
                tensors.put(entry.getKey(), readTensor(file, entry.getKey(), entry.getValue(), dataBytes));
            }
        }
        refuseOverlaps(file, tensors.values());
        return new SafetensorsHeader(tensors, metadata);
    }

    private static TensorInfo readTensor(Path file, String name, JsonElement value, long dataBytes) {
        if (!value.isJsonObject()) {
            throw new CheckpointException(
                    "%s: header entry %s must be an object with dtype, shape and data_offsets but was %s",
                    file, name, StrictJson.abbreviate(value.toString()));
        }
        JsonObject entry = value.getAsJsonObject();
        Dtype dtype = readDtype(file, name, entry.get("dtype"));
        long[] shape = nonNegativeLongs(entry.get("shape"), -1);
        if (shape == null) {
            throw new CheckpointException("%s: tensor %s has shape %s but a shape must be a list of non-negative"
                    + " integers", file, name, entry.get("shape"));
        }
        long[] offsets = nonNegativeLongs(entry.get("data_offsets"), 2);
        if (offsets == null || offsets[0] > offsets[1]) {
            throw new CheckpointException("%s: tensor %s has data_offsets %s but data_offsets must be [begin, end]"
                    + " with 0 <= begin <= end", file, name, entry.get("data_offsets"));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end > dataBytes) {
            throw new CheckpointException("%s: tensor %s has data_offsets [%s, %s] but the data section holds %s bytes",
                    file, name, begin, end, dataBytes);
        }
        long needed;
        try {
            needed = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            needed = -1;
        }
        if (needed != end - begin) {
            throw new CheckpointException(
                    "%s: tensor %s has data_offsets [%s, %s] (%s bytes) but dtype %s and shape %s need %s bytes",
                    file, name, begin, end, end - begin, dtype, Arrays.toString(shape),
                    needed < 0 ? "more than 2^63" : needed);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static Dtype readDtype(Path file, String name, JsonElement value) {
        Dtype dtype = null;
        if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            dtype = Dtype.forName(value.getAsString());
        }
        if (dtype == null) {
            throw new CheckpointException("%s: tensor %s has dtype %s, which is not a safetensors dtype %s",
                    file, name, value, Arrays.toString(Dtype.values()));
        }
        return dtype;
    }

    private static void readMetadata(Path file, JsonElement value, Map<String, String> metadata) {
        if (!value.isJsonObject()) {
            throw new CheckpointException("%s: %s must be an object of strings but was %s",
                    file, METADATA_KEY, StrictJson.abbreviate(value.toString()));
        }
        for (Map.Entry<String, JsonElement> entry : value.getAsJsonObject().entrySet()) {
            JsonElement item = entry.getValue();
            boolean isString = item.isJsonPrimitive() && item.getAsJsonPrimitive().isString();
            metadata.put(entry.getKey(), isString ? item.getAsString() : item.toString());
        }
    }

    /** Two tensors sharing bytes means a corrupt or hand-edited header. */
    private static void refuseOverlaps(Path file, Iterable<TensorInfo> tensors) {
        List<TensorInfo> byBegin = new ArrayList<>();
        tensors.forEach(byBegin::add);
        byBegin.removeIf(tensor -> tensor.begin() == tensor.end());
        byBegin.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < byBegin.size(); i++) {
            TensorInfo previous = byBegin.get(i - 1);
            TensorInfo current = byBegin.get(i);
            if (current.begin() < previous.end()) {
                throw new CheckpointException("%s: tensors %s (data_offsets [%s, %s]) and %s (data_offsets [%s, %s])"
                        + " overlap", file, previous.name(), previous.begin(), previous.end(),
                        current.name(), current.begin(), current.end());
            }
        }
    }

    /** The integers of a JSON array, or {@code null} unless it holds {@code length} (-1: any) integers >= 0. */
    private static long[] nonNegativeLongs(JsonElement value, int length) {
        if (value == null || !value.isJsonArray()) {
            return null;
        }
        JsonArray array = value.getAsJsonArray();
        if (length >= 0 && array.size() != length) {
            return null;
        }
        long[] longs = new long[array.size()];
        for (int i = 0; i < longs.length; i++) {
            JsonElement item = array.get(i);
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isNumber()) {
                return null;
            }
            try {
                longs[i] = new BigDecimal(item.getAsString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
            if (longs[i] < 0) {
                return null;
            }
        }
        return longs;
    }
}
