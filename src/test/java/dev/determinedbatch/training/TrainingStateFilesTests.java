package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.json.JsonText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingStateFilesTests {

    static DigitsDataset.Split data;
    @TempDir
    Path dir;
    TrainingState state;

    @BeforeAll
    static void load() throws IOException {
        data = DigitsDataset.loadBundled().split();
    }

    @BeforeEach
    void save() throws IOException {
        TrainingRun run = TrainingRun.start(TrainingRunTests.small(3, 16), data);
        for (int i = 0; i < 20; i++) {
            run.step();
        }
        state = run.state();
        TrainingStateFiles.write(state, dir);
    }

    @Test
    void tensorsLargerThanTheWriteBufferStreamOutAndBackBitForBit() throws IOException {
        TrainingParameters wide = new TrainingParameters(3, 1, 32, 0.1f, 0.9f, 1500); // 384 kB of hidden weights
        TrainingRun run = TrainingRun.start(wide, data);
        run.step();
        TrainingState large = run.state();
        Path wideDir = dir.resolve("wide");

        TrainingStateFiles.write(large, wideDir);

        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        metadata.put("formatVersion", "1");
        metadata.put("contents", "model weights");
        byte[] model = Files.readAllBytes(wideDir.resolve(TrainingStateFiles.MODEL));
        assertThat(model).as("streamed as the in-memory encoding would be")
                .isEqualTo(Safetensors.encode(large.model(), metadata));
        TrainingState read = TrainingStateFiles.read(wideDir);
        assertThat(read.model()).isEqualTo(large.model());
        assertThat(read.optimizer()).isEqualTo(large.optimizer());
        assertThat(read.modelSha256()).isEqualTo(run.modelSha256());
    }

    @Test
    void writesTheThreeFilesAndReadsBackEverything() throws IOException {
        assertThat(TrainingStateFiles.fileNames()).containsExactly("model.safetensors", "optimizer.safetensors", "trainer.json");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(TrainingStateFiles.fileNames());
        }
        TrainingState read = TrainingStateFiles.read(dir);
        assertThat(read.parameters()).isEqualTo(state.parameters());
        assertThat(read.model()).isEqualTo(state.model());
        assertThat(read.optimizer()).isEqualTo(state.optimizer());
        assertThat(read.rngState()).isEqualTo(state.rngState());
        assertThat(read.permutation()).isEqualTo(state.permutation());
        assertThat(read.epoch()).isEqualTo(1);
        assertThat(read.positionInEpoch()).isEqualTo(500);
        assertThat(read.stepsCompleted()).isEqualTo(20);
        assertThat(read.modelSha256()).isEqualTo(state.modelSha256());
    }

    /** Checks what Python's safetensors checks, so that {@code safetensors.numpy.load_file} accepts it. */
    @Test
    void safetensorsHeaderIsStandard() throws Exception {
        byte[] file = Files.readAllBytes(dir.resolve("model.safetensors"));
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = in.getLong();
        assertThat(headerLength % 8).as("header padded so the data is 8-aligned").isZero();
        String json = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(json).startsWith("{");
        Map<String, Object> header = JsonText.readJsonObject(json);
        assertThat(header.keySet()).containsExactly("__metadata__", "hidden.weight", "hidden.bias", "output.weight", "output.bias");
        assertThat(header.get("__metadata__")).isEqualTo(Map.of("formatVersion", "1", "contents", "model weights"));
        Map<String, List<Long>> shapes = Map.of("hidden.weight", List.of(16L, 64L), "hidden.bias", List.of(16L),
                "output.weight", List.of(10L, 16L), "output.bias", List.of(10L));
        long offset = 0;
        for (Tensor t : state.model()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) header.get(t.name());
            assertThat(entry.keySet()).containsExactlyInAnyOrder("dtype", "shape", "data_offsets");
            assertThat(entry.get("dtype")).isEqualTo("F32");
            assertThat(entry.get("shape")).isEqualTo(shapes.get(t.name()));
            long end = offset + 4L * t.size();
            assertThat(entry.get("data_offsets")).isEqualTo(List.of(offset, end));
            ByteBuffer data = ByteBuffer.wrap(file, 8 + (int) headerLength + (int) offset, 4 * t.size())
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = t.data();
            for (float v : values) {
                assertThat(Float.floatToRawIntBits(data.getFloat())).isEqualTo(Float.floatToRawIntBits(v));
            }
            offset = end;
        }
        assertThat(file.length).isEqualTo(8 + headerLength + offset);
        // modelSha256 is the SHA-256 of the data section
        byte[] dataSection = Arrays.copyOfRange(file, 8 + (int) headerLength, file.length);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dataSection)))
                .isEqualTo(state.modelSha256());
        Map<String, Object> optimizer = header(dir.resolve("optimizer.safetensors"));
        assertThat(optimizer.keySet()).contains("hidden.weight.momentum_buffer", "output.bias.momentum_buffer");
    }

    @Test
    void trainerJsonHoldsTheSmallState() throws IOException {
        Map<String, Object> json = JsonText.readJsonObject(Files.readString(dir.resolve("trainer.json")));
        assertThat(json.keySet()).containsExactly("formatVersion", "parameters", "stepsCompleted", "epoch",
                "positionInEpoch", "rng", "permutation");
        assertThat(json.get("formatVersion")).isEqualTo(1L);
        assertThat(json.get("stepsCompleted")).isEqualTo(20L);
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) json.get("parameters");
        assertThat(parameters).containsEntry("learningRate", 0.1).containsEntry("batchSize", 100L);
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        for (String name : TrainingStateFiles.fileNames()) {
            TrainingStateFiles.write(state, dir);
            Files.delete(dir.resolve(name));
            assertThatThrownBy(() -> TrainingStateFiles.read(dir)).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining(name + " is missing");
        }
        assertThatThrownBy(() -> TrainingStateFiles.read(dir.resolve("nowhere"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void unknownFormatVersionIsRefused() throws IOException {
        Path trainer = dir.resolve("trainer.json");
        Files.writeString(trainer, Files.readString(trainer).replace("\"formatVersion\": 1", "\"formatVersion\": 2"));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("trainer.json: format version 2 is not supported (this build reads 1)");
        Files.writeString(trainer, "{\"parameters\": {}}");
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("trainer.json has no integer formatVersion");
        Files.writeString(trainer, "{\"formatVersion\": 1,");
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("trainer.json is not valid JSON");
    }

    @Test
    void truncatedSafetensorsAreRefused() throws IOException {
        Path model = dir.resolve("model.safetensors");
        byte[] file = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(file, file.length - 4));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors is truncated").hasMessageContaining(dir.toString());
        Files.write(model, Arrays.copyOf(file, 100));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("model.safetensors is truncated")
                .hasMessageContaining("bytes of JSON");
        Files.write(model, Arrays.copyOf(file, 5));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("model.safetensors is truncated");
        Files.write(model, Arrays.copyOf(file, file.length + 4));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("model.safetensors has trailing bytes");
    }

    @Test
    void corruptedHeadersAreRefused() throws IOException {
        Path optimizer = dir.resolve("optimizer.safetensors");
        byte[] file = Files.readAllBytes(optimizer);
        byte[] bad = file.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        Files.write(optimizer, bad);
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("optimizer.safetensors has a bad header length");

        assertRefused(optimizer, file, "\"F32\"", "\"F16\"", "only F32 is supported");
        assertRefused(optimizer, file, "[16, 64]", "[16, 65]", "do not hold 1040 float32 values");
        assertRefused(optimizer, file, "\"dtype\"", "\"dtype!\"", "must be an object of dtype, shape and data_offsets");
        assertRefused(optimizer, file, "{\"__metadata__\"", "[\"__metadata__\"", "does not start with '{'");
        assertRefused(optimizer, file, "\"shape\": [16, 64]", "\"shape\": [16, 64}", "has a bad header: invalid JSON");
        assertRefused(optimizer, file, "\"1\"", "\"7\"", "optimizer.safetensors: format version 7 is not supported");
        assertRefused(optimizer, file, "hidden.bias.momentum_buffer", "hidden.bias.momentum_bluffer",
                "lacks tensor hidden.bias.momentum_buffer");
    }

    @Test
    void aStateWhosePartsDoNotFitIsRefused() throws IOException {
        Path trainer = dir.resolve("trainer.json");
        String json = Files.readString(trainer);
        Files.writeString(trainer, json.replace("\"stepsCompleted\": 20", "\"stepsCompleted\": 21"));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("stepsCompleted 21 does not match");
        Files.writeString(trainer, json.replace("\"hiddenUnits\": 16", "\"hiddenUnits\": 8"));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("do not fit hiddenUnits 8");
        Files.writeString(trainer, json.replace("\"batchSize\": 100", "\"batchSize\": -100"));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("bad parameters: batchSize must be positive");
        Files.writeString(trainer, json.replace("\"permutation\": [", "\"permutation\": [0, "));
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).hasMessageContaining("permutation is not an order");
    }

    @Test
    void writeReplacesAnOlderState() throws IOException {
        TrainingRun run = TrainingRun.resume(state.parameters(), data, state);
        run.step();
        TrainingStateFiles.write(run.state(), dir);
        assertThat(TrainingStateFiles.read(dir).stepsCompleted()).isEqualTo(21);
        assertThat(TrainingStateFiles.read(dir).modelSha256()).isEqualTo(run.modelSha256());
    }

    /** Replaces text in the header, keeping its length so that only the intended damage is done. */
    private void assertRefused(Path path, byte[] file, String from, String to, String message) throws IOException {
        long headerLength = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).contains(from);
        String changed = header.replace(from, to);
        int padded = (changed.length() + 7) / 8 * 8;
        changed = changed + " ".repeat(padded - changed.length());
        ByteBuffer out = ByteBuffer.allocate(8 + padded + file.length - 8 - (int) headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(changed.getBytes(StandardCharsets.UTF_8)).put(file, 8 + (int) headerLength,
                file.length - 8 - (int) headerLength);
        Files.write(path, out.array());
        assertThatThrownBy(() -> TrainingStateFiles.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(path.getFileName().toString()).hasMessageContaining(message);
        Files.write(path, file);
    }

    private static Map<String, Object> header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return JsonText.readJsonObject(new String(bytes, 8, (int) length, StandardCharsets.UTF_8));
    }
}
