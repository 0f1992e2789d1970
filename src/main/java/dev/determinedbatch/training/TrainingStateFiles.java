package dev.determinedbatch.training;

import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.json.PythonJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TrainingState} as three files in a directory: {@code model.safetensors} (the weights,
 * loadable by Python's safetensors), {@code optimizer.safetensors} (the momentum buffers) and
 * {@code trainer.json} (format version, parameters, steps, data position, generator state, the
 * epoch's row order). Plain formats rather than Java serialization, so other tools can read a
 * checkpoint and a class change cannot make one unreadable.
 */
public final class TrainingStateFiles {

    public static final int FORMAT_VERSION = 1;
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String TRAINER = "trainer.json";
    private static final String RNG_ALGORITHM = "xoshiro256**";

    private TrainingStateFiles() {
    }

    public static List<String> fileNames() {
        return List.of(MODEL, OPTIMIZER, TRAINER);
    }

    /** The bytes of one file of a state, written to a channel, as often as asked. */
    @FunctionalInterface
    public interface FileContent {

        void writeTo(WritableByteChannel out) throws IOException;
    }

    /**
     * The three files of {@code state} by name, each written when asked, straight from the
     * state's arrays (it is immutable): the safetensors through a small buffer, never as a copy
     * of the whole file. Files may be written in parallel.
     */
    public static Map<String, FileContent> files(TrainingState state) {
        Map<String, FileContent> files = new LinkedHashMap<>();
        files.put(MODEL, out -> Safetensors.write(state.modelTensors(), metadata("model weights"), out));
        files.put(OPTIMIZER, out -> Safetensors.write(state.optimizerTensors(), metadata("momentum buffers"), out));
        files.put(TRAINER, out -> {
            ByteBuffer bytes = ByteBuffer.wrap(trainerJson(state).getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        });
        return files;
    }

    /** Writes the three files into {@code dir}, creating it if needed, replacing older ones. */
    public static void write(TrainingState state, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, FileContent> file : files(state).entrySet()) {
            try (FileChannel out = FileChannel.open(dir.resolve(file.getKey()), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                file.getValue().writeTo(out);
            }
        }
    }

    private static Map<String, String> metadata(String contents) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("formatVersion", Integer.toString(FORMAT_VERSION));
        metadata.put("contents", contents);
        return metadata;
    }

    /** One top-level key a line, each value on one line: readable, and valid JSON. */
    private static String trainerJson(TrainingState state) {
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("algorithm", RNG_ALGORITHM);
        List<String> words = new ArrayList<>();
        for (long word : state.rngState()) {
            words.add(String.format("%016x", word)); // strings: JSON readers may hold numbers as doubles
        }
        rng.put("state", words);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("formatVersion", FORMAT_VERSION);
        json.put("parameters", state.parameters().asMap());
        json.put("stepsCompleted", state.stepsCompleted());
        json.put("epoch", state.epoch());
        json.put("positionInEpoch", state.positionInEpoch());
        json.put("rng", rng);
        json.put("permutation", java.util.Arrays.stream(state.permutation()).boxed().toList());
        StringBuilder out = new StringBuilder("{\n");
        String separator = "";
        for (Map.Entry<String, Object> e : json.entrySet()) {
            out.append(separator).append("  ").append(PythonJson.wire(e.getKey())).append(": ")
                    .append(PythonJson.wire(e.getValue()));
            separator = ",\n";
        }
        return out.append("\n}\n").toString();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IOException naming the file and the problem: a missing file, an unknown format
     *                     version, a bad header, sizes that do not fit, truncated data, or parts
     *                     that do not fit together
     */
    public static TrainingState read(Path dir) throws IOException {
        return read(name -> FileChannel.open(file(dir, name), StandardOpenOption.READ), dir.toString());
    }

    /** Opens a state file by name, to be read front to back once. */
    @FunctionalInterface
    public interface FileSource {

        SeekableByteChannel open(String name) throws IOException;
    }

    /**
     * Reads what {@link #write} wrote from {@code files}, each file once, front to back (so a
     * source that verifies as it reads sees every byte).
     *
     * @param where names the files' place in messages
     */
    public static TrainingState read(FileSource files, String where) throws IOException {
        try {
            return readFiles(files);
        } catch (NoSuchFileException e) {
            throw e; // names the path already, and callers may want to tell "absent" apart
        } catch (IOException e) {
            throw new IOException("cannot read the training state in " + where + ": " + e.getMessage(), e);
        }
    }

    private static TrainingState readFiles(FileSource files) throws IOException {
        JsonFields trainer = trainer(files);
        try {
            Map<String, Object> given = trainer.map("parameters");
            TrainingParameters parameters;
            try {
                parameters = TrainingParameters.fromMap(given);
            } catch (IllegalArgumentException e) {
                throw new IOException(TRAINER + ": bad parameters: " + e.getMessage(), e);
            }
            List<Tensor> model = tensors(files, MODEL, Network.names(parameters.hiddenUnits()), "");
            List<Tensor> optimizer = tensors(files, OPTIMIZER, Network.names(parameters.hiddenUnits()),
                    MomentumSgd.SUFFIX);
            long[] rng = rngState(trainer);
            int[] permutation = permutation(trainer);
            int epoch = trainer.intValue("epoch");
            int positionInEpoch = trainer.intValue("positionInEpoch");
            long stepsCompleted = trainer.longValue("stepsCompleted");
            try {
                return TrainingState.adopt(parameters, model, optimizer, rng, epoch, positionInEpoch, permutation,
                        stepsCompleted);
            } catch (IllegalArgumentException e) {
                throw new IOException("the files do not fit together: " + e.getMessage(), e);
            }
        } catch (JsonFields.JsonFieldException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static JsonFields trainer(FileSource files) throws IOException {
        JsonFields trainer;
        String json;
        try (SeekableByteChannel in = files.open(TRAINER)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(TRAINER + " is too large: " + size + " bytes");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && in.read(bytes) >= 0) {
                // reads it whole
            }
            json = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        }
        try {
            trainer = JsonFields.parse(json, TRAINER);
        } catch (IllegalArgumentException e) {
            throw new IOException(TRAINER + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(trainer.value("formatVersion") instanceof Long version)) {
            throw new IOException(TRAINER + " has no integer formatVersion");
        }
        if (version != FORMAT_VERSION) {
            throw new IOException(TRAINER + ": format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        return trainer;
    }

    private static Path file(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "training state file " + name + " is missing");
        }
        return file;
    }

    /** The tensors of {@code name}, in the network's fixed order whatever the file's order. */
    private static List<Tensor> tensors(FileSource files, String name, List<String> expected, String suffix)
            throws IOException {
        Safetensors.Contents contents;
        try (SeekableByteChannel in = files.open(name)) {
            contents = Safetensors.read(in, in.size(), name);
        }
        String version = contents.metadata().get("formatVersion");
        if (!Integer.toString(FORMAT_VERSION).equals(version)) {
            throw new IOException(name + ": format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        Map<String, Tensor> found = new LinkedHashMap<>(contents.tensors());
        List<Tensor> ordered = new ArrayList<>();
        for (String tensor : expected) {
            Tensor t = found.remove(tensor + suffix);
            if (t == null) {
                throw new IOException(name + " lacks tensor " + tensor + suffix + " (has " + contents.tensors().keySet() + ")");
            }
            ordered.add(t);
        }
        if (!found.isEmpty()) {
            throw new IOException(name + " has unexpected tensors " + found.keySet());
        }
        return ordered;
    }

    private static long[] rngState(JsonFields trainer) throws IOException {
        JsonFields rng = trainer.object("rng");
        if (!RNG_ALGORITHM.equals(rng.value("algorithm"))) {
            throw new IOException(TRAINER + ": rng algorithm " + rng.value("algorithm") + " is not " + RNG_ALGORITHM);
        }
        List<Object> words = rng.list("state");
        long[] state = new long[words.size()];
        for (int i = 0; i < state.length; i++) {
            if (!(words.get(i) instanceof String hex) || !hex.matches("[0-9a-f]{16}")) {
                throw new IOException(TRAINER + ": rng state word " + i + " is not 16 hex digits: " + words.get(i));
            }
            state[i] = Long.parseUnsignedLong(hex, 16);
        }
        return state;
    }

    private static int[] permutation(JsonFields trainer) throws IOException {
        List<Object> rows = trainer.list("permutation");
        int[] permutation = new int[rows.size()];
        for (int i = 0; i < permutation.length; i++) {
            if (!(rows.get(i) instanceof Long row) || row != row.intValue()) {
                throw new IOException(TRAINER + ": permutation entry " + i + " is not an int: " + rows.get(i));
            }
            permutation[i] = row.intValue();
        }
        return permutation;
    }
}
