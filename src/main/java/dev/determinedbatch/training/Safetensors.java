package dev.determinedbatch.training;

import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format for F32 tensors: an 8-byte little-endian header length, a JSON header
 * {@code {"__metadata__": {..strings..}, "name": {"dtype": "F32", "shape": [..], "data_offsets":
 * [begin, end]}}} padded with spaces to a multiple of 8, then the raw little-endian data. Reading
 * applies the checks of the reference (Rust) implementation: offsets contiguous from 0 and
 * covering the data exactly, sizes matching the shapes.
 */
final class Safetensors {

    /** The reference implementation's limit: a larger header is refused as corrupt. */
    private static final long MAX_HEADER = 100_000_000L;
    private static final String METADATA = "__metadata__";

    record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private Safetensors() {
    }

    static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(METADATA, metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + (long) t.size() * Float.BYTES;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", java.util.Arrays.stream(t.shape()).boxed().toList());
            entry.put("data_offsets", List.of(offset, end));
            header.put(t.name(), entry);
            offset = end;
        }
        byte[] json = PythonJson.wire(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // aligns the data for readers that map it
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            out.put(TrainingState.littleEndian(t.values()));
        }
        return out.array();
    }

    /** @throws IOException naming {@code file} and the first problem found */
    static Contents decode(byte[] bytes, String file) throws IOException {
        if (bytes.length < 8) {
            throw new IOException(file + " is truncated: " + bytes.length + " bytes, not even the 8-byte header length");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = in.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER) {
            throw new IOException(file + " has a bad header length " + Long.toUnsignedString(headerLength));
        }
        if (headerLength > bytes.length - 8) {
            throw new IOException(file + " is truncated: the header says " + headerLength
                    + " bytes of JSON but only " + (bytes.length - 8) + " follow");
        }
        String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        if (!json.startsWith("{")) {
            throw new IOException(file + " has a bad header: it does not start with '{'");
        }
        JsonFields header;
        try {
            header = JsonFields.of(JsonText.readJsonObject(json), file + " header");
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " has a bad header: " + e.getMessage(), e);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) headerLength, bytes.length - 8 - (int) headerLength)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (String name : header.asMap().keySet()) {
            if (name.equals(METADATA)) {
                readMetadata(header.value(name), metadata, file);
            } else {
                entries.add(Entry.of(name, header.value(name), file));
            }
        }
        checkLayout(entries, data.remaining(), file);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            float[] values = new float[(int) ((entry.end - entry.begin) / Float.BYTES)];
            data.slice((int) entry.begin, (int) (entry.end - entry.begin)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(values);
            tensors.put(entry.name, new Tensor(entry.name, entry.shape, values));
        }
        return new Contents(tensors, metadata);
    }

    private static void readMetadata(Object value, Map<String, String> metadata, String file) throws IOException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException(file + " has a bad header: " + METADATA + " is not an object");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IOException(file + " has a bad header: metadata " + e.getKey() + " is not a string");
            }
            metadata.put((String) e.getKey(), s);
        }
    }

    /** The reference reader's rule: sorted by offset, the tensors tile the data exactly. */
    private static void checkLayout(List<Entry> entries, long dataLength, String file) throws IOException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin != expected) {
                throw new IOException(file + " has a bad header: tensor " + e.name + " starts at byte "
                        + e.begin + ", expected " + expected + " (gap or overlap)");
            }
            expected = e.end;
        }
        if (expected != dataLength) {
            throw new IOException(file + (expected > dataLength ? " is truncated" : " has trailing bytes")
                    + ": the header describes " + expected + " bytes of tensor data, the file holds " + dataLength);
        }
    }

    /** One header entry, checked on its own. */
    private record Entry(String name, int[] shape, long begin, long end) {

        private static final java.util.Set<String> KEYS = java.util.Set.of("dtype", "shape", "data_offsets");

        static Entry of(String name, Object value, String file) throws IOException {
            String where = file + " has a bad header: tensor " + name;
            if (!(value instanceof Map<?, ?> map) || !map.keySet().equals(KEYS)) {
                throw new IOException(where + " must be an object of dtype, shape and data_offsets");
            }
            JsonFields fields = JsonFields.of(map, where);
            if (!"F32".equals(fields.value("dtype"))) {
                throw new IOException(where + " has dtype " + fields.value("dtype") + ", only F32 is supported");
            }
            long[] dims = longs(fields.value("shape"), -1, where + " shape");
            long[] offsets = longs(fields.value("data_offsets"), 2, where + " data_offsets");
            int[] shape = new int[dims.length];
            long elements = 1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                    throw new IOException(where + " has a bad dimension " + dims[i]);
                }
                shape[i] = (int) dims[i];
                elements = Math.min(elements * dims[i], Integer.MAX_VALUE + 1L); // capped: cannot overflow
            }
            if (offsets[0] < 0 || offsets[1] < offsets[0]
                    || elements > Integer.MAX_VALUE || offsets[1] - offsets[0] != elements * Float.BYTES) {
                throw new IOException(where + " has data_offsets " + offsets[0] + ".." + offsets[1]
                        + " that do not hold " + elements + " float32 values");
            }
            return new Entry(name, shape, offsets[0], offsets[1]);
        }

        private static long[] longs(Object value, int length, String what) throws IOException {
            if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
                throw new IOException(what + " must be a list of " + (length >= 0 ? length + " " : "") + "integers");
            }
            long[] result = new long[list.size()];
            for (int i = 0; i < result.length; i++) {
                if (!(list.get(i) instanceof Long l)) {
                    throw new IOException(what + " must hold integers, got " + list.get(i));
                }
                result[i] = l;
            }
            return result;
        }
    }
}
