package dev.determinedbatch.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.paths.AllowedRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way out of the allowed checkpoint storage roots, and what stays allowed: first on a file
 * tree of the test's making (roots that need not exist on this machine), then on disk, with real
 * symbolic links.
 */
class StorageRootsTests {

    private static final Path DATA = Path.of("/data/ckpt");
    private static final Path MNT = Path.of("/mnt/ckpt");
    private static final String ROOTS = "[/data/ckpt, /mnt/ckpt]";

    /** Only {@code /data/ckpt} exists, with a link {@code escape -> /etc} in it. */
    private final StorageRoots roots = new StorageRoots(List.of(DATA, MNT), new Tree(
            Set.of(Path.of("/data"), DATA, Path.of("/etc")), Map.of(DATA.resolve("escape"), Path.of("/etc"))));

    @TempDir
    Path temp;

    /** A job may name S3 storage only when it is the operator's default, and then gets the operator's. */
    @Test
    void s3FromAJobOnlyWhenItIsTheOperatorsDefault() {
        StorageSpec.S3 operators = (StorageSpec.S3) StorageSpec.parse(Map.of("type", "s3", "bucket", "ckpt",
                "prefix", "team", "access_key", "OPERATOR", "secret_key", "operator-secret"));
        StorageRoots withS3 = new StorageRoots(List.of(), new Tree(Set.of(), Map.of()), operators);
        assertThat(withS3.check(Map.of("type", "s3", "bucket", "ckpt", "prefix", "/team/"))).isSameAs(operators);
        assertThatThrownBy(() -> withS3.check(Map.of("type", "s3", "bucket", "other", "prefix", "team",
                "access_key", "JOB", "secret_key", "job-secret")))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessageContaining("s3://other/team is not the operator's default checkpoint storage")
                .hasMessageNotContaining("job-secret");
        assertThatThrownBy(() -> withS3.check(Map.of("type", "s3", "bucket", "ckpt", "prefix", "team/x")))
                .isInstanceOf(StorageLocationRefusedException.class);
        assertThatThrownBy(() -> withS3.check("/data/ckpt")).isInstanceOf(StorageLocationRefusedException.class);
        assertThatThrownBy(() -> roots.check(Map.of("type", "s3", "bucket", "ckpt")))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessageContaining("not the operator's default checkpoint storage");
    }

    @Test
    void aRootItselfAndDirectoriesInsideItThatDoNotExistYetAreAllowed() {
        assertThat(roots.check("/data/ckpt").checkpointRoot()).isEqualTo(DATA);
        assertThat(roots.check("/data/ckpt/team-a/run-1").checkpointRoot()).isEqualTo(DATA.resolve("team-a/run-1"));
        assertThat(roots.check("/mnt/ckpt/x/../y").checkpointRoot()).isEqualTo(MNT.resolve("y"));
        assertThat(roots.check("file:///mnt/ckpt/z").config()).containsEntry("container_path", "/mnt/ckpt/z");
        assertThat(roots.check(Map.of("type", "directory", "container_path", "/data/ckpt/d")).checkpointRoot())
                .isEqualTo(DATA.resolve("d"));
    }

    @Test
    void anAbsolutePathOutsideEveryRootIsRefusedNamingItAndTheRoots() {
        assertThatThrownBy(() -> roots.check("/etc"))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessage("/etc is outside the allowed checkpoint storage roots " + ROOTS)
                .extracting(e -> ((StorageLocationRefusedException) e).roots()).isEqualTo(List.of(DATA, MNT));
        assertRefused("/", "/ is outside");
        assertRefused("/data", "/data is outside");
    }

    @Test
    void aFileUrlIsCheckedLikeThePathItNames() {
        assertRefused("file:///etc", "/etc is outside the allowed checkpoint storage roots " + ROOTS);
        assertRefused("file:/etc/x", "/etc/x is outside");
        assertRefused("file:///data/ckpt/%2E%2E/%2E%2E/etc", "/etc is outside");
    }

    @Test
    void dotDotOutOfARootIsRefusedAfterNormalising() {
        assertRefused("/data/ckpt/../../etc", "/etc is outside the allowed checkpoint storage roots " + ROOTS);
        assertRefused("/data/ckpt/a/../../ckpt2", "/data/ckpt2 is outside");
        assertRefused("/mnt/ckpt/..", "/mnt is outside");
    }

    @Test
    void aPathThatMerelySharesARootsPrefixIsOutside() {
        assertRefused("/data/ckpt2", "/data/ckpt2 is outside the allowed checkpoint storage roots " + ROOTS);
        assertRefused("/data/ckpt-other/x", "/data/ckpt-other/x is outside");
        assertRefused("/mnt/ckpt.d", "/mnt/ckpt.d is outside");
    }

    @Test
    void relativePathsAreRefusedInEveryForm() {
        assertRefused("../../x", "checkpoint storage path '../../x' is relative; it must be an absolute path inside"
                + " the allowed checkpoint storage roots " + ROOTS);
        assertRefused("ckpt", "checkpoint storage path 'ckpt' is relative");
        assertRefused(Path.of("data/ckpt"), "checkpoint storage path 'data/ckpt' is relative");
        assertRefused("{\"type\": \"directory\", \"container_path\": \"ckpt\"}",
                "directory container_path 'ckpt' is relative");
        assertRefused("{\"type\": \"shared_fs\", \"host_path\": \"data/ckpt\"}",
                "shared_fs host_path 'data/ckpt' is relative");
    }

    @Test
    void sharedFsIsJudgedByTheCheckpointRootItsHostAndStoragePathMake() {
        assertRefused(Map.of("type", "shared_fs", "host_path", "/etc"), "/etc is outside");
        assertRefused(Map.of("type", "shared_fs", "host_path", "/etc", "storage_path", "cron.d"), "/etc/cron.d is outside");
        assertRefused(Map.of("type", "shared_fs", "host_path", "/data", "storage_path", "ckpt2"), "/data/ckpt2 is outside");
        assertRefused("{\"type\": \"shared_fs\", \"host_path\": \"/data/ckpt/..\", \"storage_path\": \"x\"}",
                "/data/x is outside");
        // only the root checkpoints go to counts: a host_path above a root, with a storage_path into it, is fine
        StorageSpec into = roots.check(Map.of("type", "shared_fs", "host_path", "/data", "storage_path", "ckpt/run"));
        assertThat(into.checkpointRoot()).isEqualTo(DATA.resolve("run"));
        assertThat(into.config()).containsEntry("host_path", "/data").containsEntry("storage_path", "ckpt/run");
        assertThat(roots.check(Map.of("type", "shared_fs", "host_path", "/mnt/ckpt")).checkpointRoot()).isEqualTo(MNT);
    }

    @Test
    void aLinkInsideARootIsFollowedToWhereItLeads() {
        assertRefused("/data/ckpt/escape", "/data/ckpt/escape (through a symbolic link: /etc) is outside the allowed"
                + " checkpoint storage roots " + ROOTS);
        assertRefused("/data/ckpt/escape/not-yet", "(through a symbolic link: /etc/not-yet) is outside");
    }

    @Test
    void malformedLocationsAreStillTheParsersErrorsNotRefusals() {
        assertThatThrownBy(() -> roots.check("{\"type\": \"nfs\"}"))
                .isNotInstanceOf(StorageLocationRefusedException.class)
                .hasMessage("unknown checkpoint storage type 'nfs'; supported types: directory, shared_fs, s3");
    }

    @Test
    void rootsMustBeAbsoluteAndAreKeptOnceEach() {
        assertThatThrownBy(() -> StorageRoots.of(List.of(DATA, Path.of("relative/ckpt"))))
                .hasMessage("checkpoint storage root 'relative/ckpt' is relative; it must be an absolute path");
        assertThat(StorageRoots.of(List.of(DATA, Path.of("/data/ckpt/"), Path.of("/data/x/../ckpt"), MNT)).roots())
                .containsExactly(DATA, MNT);
    }

    @Test
    void onDiskALinkOutOfARootIsRefusedAndNothingIsCreatedAnywhere() throws IOException {
        Path root = Files.createDirectory(temp.resolve("root"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Path link = Files.createSymbolicLink(root.resolve("link"), outside);
        Path dangling = Files.createSymbolicLink(root.resolve("dangling"), temp.resolve("missing"));
        StorageRoots onDisk = StorageRoots.of(List.of(root));
        List<Path> before = listing(temp);

        assertThatThrownBy(() -> onDisk.check(link.toString()))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessage(link + " (through a symbolic link: " + outside + ") is outside the allowed checkpoint"
                        + " storage roots [" + root + "]");
        assertThatThrownBy(() -> onDisk.check(link.resolve("new/run").toString()))
                .hasMessageContaining("(through a symbolic link: " + outside.resolve("new/run") + ") is outside");
        assertThatThrownBy(() -> onDisk.check(Map.of("type", "shared_fs", "host_path", root.toString(),
                "storage_path", "link/x")))
                .hasMessageContaining(outside.resolve("x") + ") is outside");
        assertThatThrownBy(() -> onDisk.check(dangling.resolve("x").toString()))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessageStartingWith(dangling.resolve("x") + " cannot be resolved (NoSuchFileException: ")
                .hasMessageEndingWith("it must lead inside the allowed checkpoint storage roots [" + root + "]");
        assertThatThrownBy(() -> onDisk.check(temp.resolve("root2").toString()))
                .hasMessage(temp.resolve("root2") + " is outside the allowed checkpoint storage roots [" + root + "]");

        assertThat(listing(temp)).isEqualTo(before);
    }

    @Test
    void onDiskLinksThatStayInsideAndRootsThatAreLinksOrDoNotExistYetAreAllowed() throws IOException {
        Path real = Files.createDirectories(temp.resolve("disk/checkpoints"));
        Path rootLink = Files.createSymbolicLink(temp.resolve("ckpt"), real);
        Path inner = Files.createSymbolicLink(real.resolve("latest"), Files.createDirectory(real.resolve("run-7")));
        Path notYet = temp.resolve("later/checkpoints");
        StorageRoots onDisk = StorageRoots.of(List.of(rootLink, notYet));

        assertThat(onDisk.check(rootLink.resolve("a").toString()).checkpointRoot()).isEqualTo(rootLink.resolve("a"));
        assertThat(onDisk.check(real.resolve("a").toString()).checkpointRoot()).isEqualTo(real.resolve("a"));
        assertThat(onDisk.check(inner.resolve("b").toString()).checkpointRoot()).isEqualTo(inner.resolve("b"));
        assertThat(onDisk.check(notYet.resolve("team/run").toString()).checkpointRoot())
                .isEqualTo(notYet.resolve("team/run"));
        assertThat(temp.resolve("later")).doesNotExist();
    }

    private void assertRefused(Object location, String message) {
        assertThatThrownBy(() -> roots.check(location))
                .as(String.valueOf(location))
                .isInstanceOf(StorageLocationRefusedException.class)
                .hasMessageContaining(message);
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.walk(dir)) {
            return entries.sorted().toList();
        }
    }

    /** A file tree of directories and links; the file system root always exists. */
    private record Tree(Set<Path> directories, Map<Path, Path> links) implements AllowedRoots.FileTree {

        @Override
        public boolean exists(Path path) {
            return path.getParent() == null || directories.contains(path) || links.containsKey(path);
        }

        @Override
        public Path realPath(Path path) throws IOException {
            Path real = path.getRoot();
            for (Path name : path) {
                real = real.resolve(name);
                real = links.getOrDefault(real, real);
                if (!exists(real)) {
                    throw new NoSuchFileException(real.toString());
                }
            }
            return real;
        }
    }
}
