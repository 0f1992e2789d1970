package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.Checkpoint;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.Trial;
import dev.determinedbatch.testsupport.TestApiUsers;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.DigitsDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the training job in a real WildFly: each fails with a message naming the problem,
 * and the directory listings (checkpoint storage, metrics spill) and the stand-in master's record
 * show that nothing was written or reported. A checkpoint storage outside the server's allowed
 * roots is refused in every form, and nothing appears where it points; so is a dataset outside the
 * allowed dataset roots, alike whether the file exists or not. Malformed dataset rows within the
 * skip limit are skipped, and their count is reported.
 */
@RunAsClient
class BadInputIT extends OnTestServer {


    /** Where the server must never write nor read: outside its allowed checkpoint storage and dataset roots. */
    @TempDir
    Path dir;
    /** This test's checkpoint storage: inside the root the test server allows (it.storage.dir). */
    Path storageRoot;
    /** This test's datasets: inside the dataset root the test server allows (it.dataset.dir). */
    Path datasetRoot;

    @BeforeEach
    void storageAndDatasetsInsideTheAllowedRoots() throws IOException {
        Path allowed = Files.createDirectories(allowedRoot());
        storageRoot = Files.createTempDirectory(allowed, "bad-input-");
        datasetRoot = Files.createTempDirectory(Files.createDirectories(allowedDatasetRoot()), "bad-input-");
    }

    @AfterEach
    void removeStorageAndDatasets() throws IOException {
        Trees.delete(storageRoot);
        Trees.delete(datasetRoot);
    }

    /** One bad input: the job parameters it sets and what the execution's exit status must say. */
    private record BadInput(Map<String, String> parameters, String message) {
    }

    @Test
    void badParametersStorageAndDataFailBeforeAnythingIsWrittenOrReported() throws Exception {
        Path aFile = Files.writeString(storageRoot.resolve("a-file"), "in the way");
        Path malformed = dataset(datasetRoot.resolve("malformed.csv.gz"), 4);
        Path notGzip = Files.writeString(datasetRoot.resolve("plain.csv"), "1,2,3\n");
        List<BadInput> inputs = new ArrayList<>(List.of(
                new BadInput(Map.of("epochs", "abc"), "job parameter 'epochs' must be an integer, got 'abc'"),
                new BadInput(Map.of("batchSize", "-1"), "bad job parameter: batchSize must be positive, got -1"),
                new BadInput(Map.of("learningRate", "fast"), "job parameter 'learningRate' must be a number, got 'fast'"),
                new BadInput(Map.of("datasetSkipLimit", "-2"), "job parameter 'datasetSkipLimit' must not be negative, got -2"),
                new BadInput(Map.of("checkpointStorage", "{\"type\": \"nfs\", \"path\": \"/x\"}"),
                        "job parameter 'checkpointStorage' (or det.checkpoint.storage): unknown checkpoint storage"
                                + " type 'nfs'; supported types: directory, shared_fs, s3"),
                new BadInput(Map.of("checkpointStorage", aFile.resolve("checkpoints").toString()),
                        "job parameter 'checkpointStorage' (or det.checkpoint.storage): cannot create checkpoint"
                                + " storage base " + aFile.resolve("checkpoints")),
                new BadInput(Map.of("dataset", datasetRoot.resolve("missing.csv.gz").toString()),
                        "job parameter 'dataset': no file " + datasetRoot.resolve("missing.csv.gz")),
                new BadInput(Map.of("dataset", notGzip.toString()),
                        "job parameter 'dataset': cannot read " + notGzip + ": digits data is not gzip-compressed"),
                new BadInput(Map.of("dataset", malformed.toString(), "datasetSkipLimit", "2"),
                        "job parameter 'dataset': " + malformed + " has 4 malformed rows, more than job parameter"
                                + " 'datasetSkipLimit' allows (2); the first: line 1: expected 65 comma-separated"
                                + " values (64 pixels and a label), got 3; line 101: expected 65")));
        Path readOnly = Files.createDirectory(storageRoot.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!Files.isWritable(readOnly)) { // as root, permissions do not stop the server: the case above stands in
            inputs.add(new BadInput(Map.of("checkpointStorage", readOnly.toString()),
                    "job parameter 'checkpointStorage' (or det.checkpoint.storage): checkpoint storage base "
                            + readOnly + " is not writable"));
        }

        TrainingApi api = new TrainingApi(base);
        for (BadInput input : inputs) {
            Map<String, String> parameters = TrainingJobIT.parameters("bad");
            parameters.put("checkpointStorage", storageRoot.resolve("storage").toString());
            parameters.putAll(input.parameters());
            String trialId = parameters.get("externalTrialId");
            Map<Path, String> filesBefore = files(dir, storageRoot, datasetRoot, spillDir());
            int requestsBefore = master.requests().size();
            int checkpointsBefore = master.state().checkpoints().size();
            int metricsBefore = master.state().metrics().size();

            Map<String, Object> failed = api.awaitExitStatus(api.start("train", parameters).executionId(), "FAILED: ");

            assertThat(failed).as(input.message()).containsEntry("batchStatus", "FAILED");
            assertThat((String) failed.get("exitStatus")).startsWith("FAILED: " + input.message());
            assertThat(files(dir, storageRoot, datasetRoot, spillDir())).as(input.message()).isEqualTo(filesBefore);
            assertThat(Files.exists(storageRoot.resolve("storage"))).as(input.message()).isFalse();
            assertThat(master.state().trials()).noneMatch(t -> trialId.equals(t.externalTrialId()));
            assertThat(master.requests().subList(requestsBefore, master.requests().size()))
                    .noneMatch(r -> r.body().contains(trialId) || r.path().contains(trialId));
            assertThat(master.state().checkpoints()).hasSize(checkpointsBefore);
            assertThat(master.state().metrics()).hasSize(metricsBefore);
        }
        assertThat(Files.readString(aFile)).isEqualTo("in the way");
    }

    @Test
    void aFewMalformedRowsAreSkippedCountedAndReportedOnceARunAndTheSplitStaysTheSame() throws Exception {
        TrainingApi api = new TrainingApi(base);
        Map<String, String> clean = TrainingJobIT.parameters("clean-data");
        clean.put("epochs", "2");
        long uninterrupted = api.start("train", clean).executionId();
        assertThat(api.awaitEnd(uninterrupted)).containsEntry("batchStatus", "COMPLETED");

        Map<String, String> parameters = TrainingJobIT.parameters("skipping");
        parameters.put("epochs", "2");
        parameters.put("dataset", dataset(datasetRoot.resolve("three-bad.csv.gz"), 3).toString());
        parameters.put("datasetSkipLimit", "3");
        parameters.put("stopAtStep", "50");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        api.awaitExitStatus(first, "STOPPED steps=50/90");
        long second = api.restart(first, "after a stop at step 50");
        assertThat(api.awaitEnd(second)).containsEntry("batchStatus", "COMPLETED");

        Trial trial = StandInTrials.await(master, parameters.get("externalTrialId"), "STATE_COMPLETED");
        Map<String, Object> counts = Map.of("rows", 1797L, "skippedRows", 3L);
        // one report a run, at the step it starts from: neither refused as a duplicate nor archived
        assertThat(master.state().metrics(trial.id())).filteredOn(m -> m.group().equals("dataset"))
                .extracting(MetricReport::trialRunId, MetricReport::stepsCompleted, MetricReport::avgMetrics,
                        MetricReport::archived)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 0L, counts, false),
                        org.assertj.core.groups.Tuple.tuple(2, 50L, counts, false));
        Map<String, Object> status = api.training(second);
        assertThat(((Map<?, ?>) status.get("metrics")).get("dataset")).isEqualTo(counts);
        // the valid rows are the bundled ones: the same split, the same weights
        assertThat(status.get("modelSha256")).isNotNull().isEqualTo(api.training(uninterrupted).get("modelSha256"));
        assertThat(master.state().metrics(StandInTrials.await(master, clean.get("externalTrialId"), "STATE_COMPLETED")
                .id())).filteredOn(m -> m.group().equals("dataset")).extracting(MetricReport::avgMetrics)
                .containsExactly(Map.of("rows", 1797L, "skippedRows", 0L));
    }

    @Test
    void checkpointsOfAnUnknownFormatVersionAreNeverTrainedFromAndStayAsTheyAre() throws Exception {
        TrainingApi api = new TrainingApi(base);
        Path storage = storageRoot.resolve("storage");
        Map<String, String> parameters = TrainingJobIT.parameters("unknown-format");
        parameters.put("checkpointStorage", storage.toString());
        parameters.put("stopAtStep", "50");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        Trial trial = StandInTrials.await(master, parameters.get("externalTrialId"), "STATE_PAUSED");
        api.awaitExitStatus(first, "STOPPED steps=50/180");
        List<String> uuids = master.state().checkpoints(trial.id()).stream().map(Checkpoint::uuid).toList();
        assertThat(uuids).hasSize(2);
        for (String uuid : uuids) {
            Path metadata = storage.resolve(uuid).resolve("metadata.json");
            String json = Files.readString(metadata);
            assertThat(json).contains("\"determined_batch_format\": 1,");
            Files.writeString(metadata, json.replace("\"determined_batch_format\": 1,", "\"determined_batch_format\": 99,"));
        }
        Map<Path, String> filesBefore = files(storage, spillDir());
        int metricsBefore = master.state().metrics(trial.id()).size();

        long restarted = api.restart(first, "a restart onto checkpoints of format 99");
        Map<String, Object> failed = api.awaitExitStatus(restarted, "FAILED: ");

        assertThat(failed).containsEntry("batchStatus", "FAILED");
        assertThat((String) failed.get("exitStatus")).startsWith("FAILED: trial it/" + parameters.get("externalTrialId")
                        + ": no checkpoint could be restored; tried ")
                .contains("checkpoint " + uuids.get(1) + " has format version 99 (determined_batch_format);"
                        + " this server reads version 1");
        Trial ended = StandInTrials.await(master, parameters.get("externalTrialId"), "STATE_ERROR");
        assertThat(master.state().taskLogs(ended.taskId())).anyMatch(line -> line.contains(
                "checkpoint " + uuids.get(0) + " has format version 99") && line.contains(uuids.get(1)));
        assertThat(files(storage, spillDir())).isEqualTo(filesBefore);
        assertThat(master.state().checkpoints(trial.id())).extracting(Checkpoint::uuid).isEqualTo(uuids);
        assertThat(master.state().metrics(trial.id())).hasSize(metricsBefore);
    }

    @Test
    void checkpointStorageOutsideTheAllowedRootsIsRefusedAndNothingIsWrittenThereOrReported() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("etc"));
        Path escape = Files.createSymbolicLink(storageRoot.resolve("escape"), outside);
        Path allowed = allowedRoot();
        String roots = "[" + Path.of(System.getProperty("it.data.dir"), "checkpoints") + ", " + allowed + "]";
        String outsideRoots = " is outside the allowed checkpoint storage roots " + roots
                + "; an operator adds roots with determined.batch.storage.allowed-roots";
        String upAndOut = storageRoot + "/" + "../".repeat(storageRoot.getNameCount()) + outside.toString().substring(1);
        List<BadInput> escapes = List.of(
                new BadInput(Map.of("checkpointStorage", outside.toString()),
                        "job parameter 'checkpointStorage': " + outside + outsideRoots),
                new BadInput(Map.of("checkpointStorage", "file://" + outside),
                        "job parameter 'checkpointStorage': " + outside + outsideRoots),
                new BadInput(Map.of("checkpointStorage", upAndOut),
                        "job parameter 'checkpointStorage': " + outside + outsideRoots),
                new BadInput(Map.of("checkpointStorage", "../../x"),
                        "job parameter 'checkpointStorage': checkpoint storage path '../../x' is relative; it must"
                                + " be an absolute path inside the allowed checkpoint storage roots " + roots
                                + "; an operator adds roots with determined.batch.storage.allowed-roots"),
                new BadInput(Map.of("checkpointStorage", "{\"type\": \"shared_fs\", \"host_path\": \"" + outside + "\"}"),
                        "job parameter 'checkpointStorage': " + outside + outsideRoots),
                new BadInput(Map.of("checkpointStorage", "{\"type\": \"shared_fs\", \"host_path\": \"" + storageRoot
                                + "\", \"storage_path\": \"escape/runs\"}"),
                        "job parameter 'checkpointStorage': " + escape.resolve("runs") + " (through a symbolic link: "
                                + outside.resolve("runs") + ")" + outsideRoots));

        TrainingApi api = new TrainingApi(base);
        TrainingApi viewer = new TrainingApi(base, TestApiUsers.VIEWER);
        for (BadInput input : escapes) {
            Map<String, String> parameters = TrainingJobIT.parameters("escape");
            parameters.putAll(input.parameters());
            String trialId = parameters.get("externalTrialId");
            Map<Path, String> filesBefore = files(dir, storageRoot, spillDir());
            int requestsBefore = master.requests().size();

            long execution = api.start("train", parameters).executionId();
            Map<String, Object> failed = api.awaitExitStatus(execution, "FAILED: ");
            // the training status opens the execution's storage too: refused the same way, for a viewer as well
            TrainingApi.Answer status = viewer.get("api/training/" + execution);

            assertThat(failed).as(input.message()).containsEntry("batchStatus", "FAILED");
            assertThat((String) failed.get("exitStatus")).isEqualTo("FAILED: " + input.message());
            assertThat(status.status()).as(input.message()).isEqualTo(400);
            assertThat(status.body()).as(input.message()).containsEntry("message", input.message());
            assertThat(outside).as(input.message()).isEmptyDirectory();
            assertThat(files(dir, storageRoot, spillDir())).as(input.message()).isEqualTo(filesBefore);
            assertThat(master.state().trials()).noneMatch(t -> trialId.equals(t.externalTrialId()));
            assertThat(master.requests().subList(requestsBefore, master.requests().size()))
                    .noneMatch(r -> r.body().contains(trialId) || r.path().contains(trialId));
        }
    }

    @Test
    void aDatasetOutsideTheAllowedRootsIsRefusedAlikeWhetherOrNotItExistsBeforeItIsReadOrATrialOpens()
            throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Path shadow = dir.resolve("shadow");
        Path link = Files.createSymbolicLink(datasetRoot.resolve("passwd.csv.gz"), passwd);
        Path linkToMissing = Files.createSymbolicLink(datasetRoot.resolve("shadow.csv.gz"), shadow);
        String upAndOut = datasetRoot + "/" + "../".repeat(datasetRoot.getNameCount()) + passwd.toString().substring(1);
        String refused = " is not inside the allowed dataset roots [" + allowedDatasetRoot()
                + "]; an operator adds roots with determined.batch.dataset.allowed-roots";
        List<BadInput> escapes = List.of(
                new BadInput(Map.of("dataset", passwd.toString()), "job parameter 'dataset': " + passwd + refused),
                new BadInput(Map.of("dataset", shadow.toString()), "job parameter 'dataset': " + shadow + refused),
                new BadInput(Map.of("dataset", upAndOut), "job parameter 'dataset': " + passwd + refused),
                new BadInput(Map.of("dataset", link.toString()), "job parameter 'dataset': " + link + refused),
                new BadInput(Map.of("dataset", linkToMissing.toString()),
                        "job parameter 'dataset': " + linkToMissing + refused),
                new BadInput(Map.of("dataset", "../../etc/passwd"), "job parameter 'dataset': dataset path"
                        + " '../../etc/passwd' is relative; it must be an absolute path inside the allowed dataset"
                        + " roots [" + allowedDatasetRoot() + "]; an operator adds roots with"
                        + " determined.batch.dataset.allowed-roots"));

        TrainingApi api = new TrainingApi(base);
        Map<String, String> exitStatuses = new java.util.HashMap<>();
        for (BadInput input : escapes) {
            Map<String, String> parameters = TrainingJobIT.parameters("dataset-escape");
            parameters.put("checkpointStorage", storageRoot.resolve("storage").toString());
            parameters.putAll(input.parameters());
            String trialId = parameters.get("externalTrialId");
            Map<Path, String> filesBefore = files(dir, storageRoot, datasetRoot, spillDir());
            int requestsBefore = master.requests().size();

            Map<String, Object> failed = api.awaitExitStatus(api.start("train", parameters).executionId(), "FAILED: ");

            assertThat(failed).as(input.message()).containsEntry("batchStatus", "FAILED");
            assertThat((String) failed.get("exitStatus")).isEqualTo("FAILED: " + input.message());
            exitStatuses.put(input.parameters().get("dataset"), (String) failed.get("exitStatus"));
            assertThat(files(dir, storageRoot, datasetRoot, spillDir())).as(input.message()).isEqualTo(filesBefore);
            assertThat(master.state().trials()).noneMatch(t -> trialId.equals(t.externalTrialId()));
            assertThat(master.requests().subList(requestsBefore, master.requests().size()))
                    .noneMatch(r -> r.body().contains(trialId) || r.path().contains(trialId));
        }
        // whether the file is there is not for the job to learn: the two say the same but for its name
        assertThat(exitStatuses.get(passwd.toString()).replace(passwd.toString(), "<file>"))
                .isEqualTo(exitStatuses.get(shadow.toString()).replace(shadow.toString(), "<file>"));
        assertThat(exitStatuses.get(link.toString()).replace(link.toString(), "<file>"))
                .isEqualTo(exitStatuses.get(linkToMissing.toString()).replace(linkToMissing.toString(), "<file>"));
        assertThat(exitStatuses.values()).noneMatch(status -> status.contains("root:x"));
    }

    /** The dataset root the test server allows (see arquillian.xml). */
    private static Path allowedDatasetRoot() {
        return Path.of(System.getProperty("it.dataset.dir"));
    }

    /** The further checkpoint storage root the test server allows (see arquillian.xml). */
    private static Path allowedRoot() {
        return Path.of(System.getProperty("it.storage.dir"));
    }

    private static Path spillDir() {
        return Path.of(System.getProperty("it.data.dir"), "spill");
    }

    /** Every file and directory under the roots, with a hash of each file's bytes. */
    private static Map<Path, String> files(Path... roots) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.toList()) {
                    files.put(path, Files.isRegularFile(path)
                            ? Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(path))) : "dir");
                }
            }
        }
        return files;
    }

    /** The bundled digits with {@code bad} malformed rows at lines 1, 101, 201... */
    private static Path dataset(Path file, int bad) throws IOException {
        List<String> lines;
        try (InputStream in = new GZIPInputStream(DigitsDataset.bundledStream())) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList());
        }
        for (int i = 0; i < bad; i++) {
            lines.add(i * 100, "bad,row," + i);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }
}
