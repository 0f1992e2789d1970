package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.storage.CheckpointUuid;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a kill run checks in the checkpoint storage while no server writes to it: every checkpoint
 * under a uuid is complete and passes CRC32C verification; what dead writers left in
 * {@code .staging} and {@code .checksums} belongs only to the server killed last (a later
 * session's clean-up removes it).
 */
final class CheckpointStorageAudit {

    private final Path root;
    private final DirectoryStorage storage;

    CheckpointStorageAudit(Path root) throws IOException {
        this.root = root;
        this.storage = new DirectoryStorage(root);
    }

    /** Asserts the checkpoint is under its uuid, complete, and its files match its manifest. */
    void assertVerifies(String uuid, String context) {
        try {
            String read = storage.restore(uuid, dir -> dir.checkpoint().uuid(), Verification.REQUIRED);
            assertThat(read).isEqualTo(uuid);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(context + ": checkpoint " + uuid + " does not verify: " + e, e);
        }
    }

    /**
     * Asserts that every uuid-named directory is a checkpoint that verifies, and that staging
     * entries and manifests without their checkpoint are all of {@code lastKilledPid} (or none at
     * all when it is null). Returns the uuids of the checkpoints.
     */
    List<String> assertOnlyCompleteCheckpoints(Long lastKilledPid, String context) throws IOException {
        List<String> checkpoints = new ArrayList<>();
        for (String name : names(root)) {
            if (CheckpointUuid.isValid(name)) {
                assertVerifies(name, context);
                checkpoints.add(name);
            }
        }
        List<String> staged = names(root.resolve(".staging"));
        for (String entry : staged) {
            assertThat(lastKilledPid).as(context + ": staging entry " + entry + " left by an earlier server").isNotNull();
            assertThat(entry).as(context + ": staging entry of a server other than the one just killed")
                    .endsWith("." + lastKilledPid);
        }
        for (String manifest : names(root.resolve(".checksums"))) {
            String uuid = manifest.substring(0, manifest.length() - ".json".length());
            if (!checkpoints.contains(uuid)) {
                assertThat(staged).as(context + ": manifest " + manifest + " with neither checkpoint nor writer")
                        .anyMatch(entry -> entry.startsWith(uuid + "."));
            }
        }
        return checkpoints;
    }

    /** Asserts what a store paused and killed at a phase left: see {@code StoreObserver.Phase}. */
    void assertStagedOnly(String uuid, boolean withManifest, String context) throws IOException {
        assertThat(root.resolve(uuid)).as(context + ": killed before its rename").doesNotExist();
        assertThat(names(root.resolve(".staging"))).as(context + ": its staging entry")
                .anyMatch(entry -> entry.startsWith(uuid + "."));
        assertThat(Files.exists(root.resolve(".checksums").resolve(uuid + ".json")))
                .as(context + ": its manifest written").isEqualTo(withManifest);
    }

    /** Asserts the checkpoints all verify. */
    void assertAllVerify(Collection<String> uuids, String context) {
        uuids.forEach(uuid -> assertVerifies(uuid, context));
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        return names;
    }
}
