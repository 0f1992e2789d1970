package dev.determinedbatch.training;

import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
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

    /** Bytes of tensor data a write copies through its buffer at a time. */
    private static final int CHUNK_BYTES = 1 << 18;

    /** The whole file in memory; for tests and small files ({@link #write} streams). */
    static byte[] encode(List<Tensor> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(tensors, metadata, Channels.newChannel(out));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the file to {@code out}: the header, then each tensor straight from its array
     * through one small buffer, so that no copy of the whole file is ever made.
     */
    static void write(List<Tensor> tensors, Map<String, String> metadata, WritableByteChannel out) throws IOException {
        writeFully(out, ByteBuffer.wrap(header(tensors, metadata)));
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int floatsPerChunk = CHUNK_BYTES / Float.BYTES;
        for (Tensor t : tensors) {
            float[] values = t.values();
            for (int offset = 0; offset < values.length; offset += floatsPerChunk) {
                int count = Math.min(floatsPerChunk, values.length - offset);
                chunk.clear();
                chunk.asFloatBuffer().put(values, offset, count);
                chunk.limit(count * Float.BYTES);
                writeFully(out, chunk);
            }
        }
    }

    /** The 8-byte length and the JSON header, padded with spaces to a multiple of 8. */
    private static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
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
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** @throws IOException naming {@code file} and the first problem found */
    static Contents decode(byte[] bytes, String file) throws IOException {
        return read(Channels.newChannel(new ByteArrayInputStream(bytes)), bytes.length, file);
    }

    /**
     * Reads a file of {@code size} bytes from {@code in}, once, front to back: the tensors go
     * straight into their arrays through one small buffer, without a copy of the whole file.
     *
     * @throws IOException naming {@code file} and the first problem found
     */
    static Contents read(ReadableByteChannel in, long size, String file) throws IOException {
        if (size < 8) {
            throw new IOException(file + " is truncated: " + size + " bytes, not even the 8-byte header length");
        }
        long headerLength = readFully(in, ByteBuffer.allocate(8), file).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER) {
            throw new IOException(file + " has a bad header length " + Long.toUnsignedString(headerLength));
        }
        if (headerLength > size - 8) {
            throw new IOException(file + " is truncated: the header says " + headerLength
                    + " bytes of JSON but only " + (size - 8) + " follow");
        }
        String json = new String(readFully(in, ByteBuffer.allocate((int) headerLength), file).array(),
                StandardCharsets.UTF_8);
        if (!json.startsWith("{")) {
            throw new IOException(file + " has a bad header: it does not start with '{'");
        }
        JsonFields header;
        try {
            header = JsonFields.of(JsonText.readJsonObject(json), file + " header");
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " has a bad header: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (String name : header.asMap().keySet()) {
            if (name.equals(METADATA)) {
                readMetadata(header.value(name), metadata, file);
            } else {
                entries.add(Entry.of(name, header.value(name), file));
            }
        }
        checkLayout(entries, size - 8 - headerLength, file);
        Map<String, float[]> values = new java.util.HashMap<>();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry entry : byOffset(entries)) { // the data in file order: one sequential pass
            float[] array = new float[(int) ((entry.end - entry.begin) / Float.BYTES)];
            int floatsPerChunk = CHUNK_BYTES / Float.BYTES;
            for (int offset = 0; offset < array.length; offset += floatsPerChunk) {
                int count = Math.min(floatsPerChunk, array.length - offset);
                chunk.clear().limit(count * Float.BYTES);
                readFully(in, chunk, file).asFloatBuffer().get(array, offset, count);
            }
            values.put(entry.name, array);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry entry : entries) {
            tensors.put(entry.name, Tensor.adopt(entry.name, entry.shape, values.get(entry.name)));
        }
        return new Contents(tensors, metadata);
    }

    /** Fills {@code buffer} from {@code in}; flipped, ready to read. */
    private static ByteBuffer readFully(ReadableByteChannel in, ByteBuffer buffer, String file) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new IOException(file + " is truncated: it ended while being read");
            }
        }
        return buffer.flip();
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
        long expected = 0;
        for (Entry e : byOffset(entries)) {
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

    private static List<Entry> byOffset(List<Entry> entries) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        return byOffset;
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
