package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way out of the allowed dataset roots, on disk with real symbolic links, and what stays
 * allowed; a refusal reads the same whether the file exists or not.
 */
class DatasetRootsTests {

    private static final String SOURCE = "job parameter 'dataset'";

    @TempDir
    Path temp;
    Path root;
    Path outside;
    DatasetRoots roots;

    @BeforeEach
    void rootAndAFileOutsideIt() throws IOException {
        root = Files.createDirectories(temp.resolve("datasets"));
        outside = Files.writeString(temp.resolve("secret.csv.gz"), "not yours");
        roots = DatasetRoots.of(List.of(root));
    }

    @Test
    void aFileInsideARootOrADirectoryInsideItIsAllowedAndOpenedWhereItLeads() throws IOException {
        Path file = Files.writeString(Files.createDirectories(root.resolve("team-a")).resolve("d.csv.gz"), "x");
        Path link = Files.createSymbolicLink(root.resolve("latest.csv.gz"), file);

        assertThat(roots.check(file.toString(), SOURCE))
                .isEqualTo(new DatasetFile(SOURCE, file, file.toRealPath()));
        assertThat(roots.check(root + "/team-a/../team-a/./d.csv.gz", SOURCE).path()).isEqualTo(file);
        assertThat(roots.check(link.toString(), SOURCE))
                .isEqualTo(new DatasetFile(SOURCE, link, file.toRealPath()));
    }

    @Test
    void aMissingFileInsideARootPassesTheCheckAndIsNamedWhenItIsRead() {
        Path missing = root.resolve("missing.csv.gz");

        DatasetFile file = roots.check(missing.toString(), SOURCE);

        assertThatThrownBy(() -> TrainingData.load(file, 0)).hasMessage(SOURCE + ": no file " + missing);
    }

    @Test
    void anAbsolutePathOutsideTheRootsIsRefusedAlikeWhetherOrNotItExists() {
        String existing = refusal(outside.toString());
        String missing = refusal(temp.resolve("missing.csv.gz").toString());

        assertThat(existing).isEqualTo(outside + " is not inside the allowed dataset roots [" + root + "]");
        assertThat(missing.replace("missing", "secret")).isEqualTo(existing);
        assertThat(refusal("/etc/passwd")).isEqualTo("/etc/passwd is not inside the allowed dataset roots [" + root
                + "]");
        assertThat(refusal("/")).startsWith("/ is not inside");
    }

    @Test
    void dotDotOutOfARootIsRefusedAfterNormalising() {
        assertThat(refusal(root + "/../secret.csv.gz")).isEqualTo(outside + " is not inside the allowed dataset"
                + " roots [" + root + "]");
        assertThat(refusal(root + "/a/../../datasets/../secret.csv.gz")).startsWith(outside + " is not inside");
    }

    @Test
    void relativePathsAreRefused() {
        assertThat(refusal("secret.csv.gz")).isEqualTo("dataset path 'secret.csv.gz' is relative; it must be an"
                + " absolute path inside the allowed dataset roots [" + root + "]");
        assertThat(refusal("../../etc/passwd")).startsWith("dataset path '../../etc/passwd' is relative");
        assertThat(refusal("./datasets/x.csv.gz")).startsWith("dataset path './datasets/x.csv.gz' is relative");
    }

    @Test
    void aLinkInsideARootThatPointsOutIsRefusedWithoutSayingWhereItLeads() throws IOException {
        Path toFile = Files.createSymbolicLink(root.resolve("escape.csv.gz"), outside);
        Path toDir = Files.createSymbolicLink(root.resolve("etc"), temp);
        Path dangling = Files.createSymbolicLink(root.resolve("dangling.csv.gz"), temp.resolve("missing.csv.gz"));

        assertThat(refusal(toFile.toString())).isEqualTo(toFile + " is not inside the allowed dataset roots ["
                + root + "]");
        assertThat(refusal(toDir.resolve("secret.csv.gz").toString())).isEqualTo(toDir.resolve("secret.csv.gz")
                + " is not inside the allowed dataset roots [" + root + "]");
        assertThat(refusal(toDir.resolve("missing.csv.gz").toString())).isEqualTo(toDir.resolve("missing.csv.gz")
                + " is not inside the allowed dataset roots [" + root + "]");
        assertThat(refusal(dangling.toString())).isEqualTo(dangling + " is not inside the allowed dataset roots ["
                + root + "]");
    }

    @Test
    void aSiblingThatMerelySharesARootsPrefixIsOutside() throws IOException {
        Path sibling = Files.writeString(Files.createDirectories(temp.resolve("datasets2")).resolve("d.csv.gz"), "x");
        Path dashed = Files.writeString(temp.resolve("datasets-other.csv.gz"), "x");

        assertThat(refusal(sibling.toString())).startsWith(sibling + " is not inside");
        assertThat(refusal(dashed.toString())).startsWith(dashed + " is not inside");
    }

    @Test
    void aRootThatIsALinkHoldsWhatItLeadsTo() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("linked"), root);
        Path file = Files.writeString(root.resolve("d.csv.gz"), "x");

        assertThat(DatasetRoots.of(List.of(linkedRoot)).check(file.toString(), SOURCE).real())
                .isEqualTo(file.toRealPath());
        assertThat(roots.check(linkedRoot.resolve("d.csv.gz").toString(), SOURCE).real()).isEqualTo(file.toRealPath());
    }

    @Test
    void withoutRootsOnlyTheBundledDigitsAreAllowed() {
        assertThatThrownBy(() -> DatasetRoots.of(List.of()).check(outside.toString(), SOURCE))
                .isInstanceOf(DatasetRoots.RefusedException.class)
                .hasMessage(outside + " is not inside the allowed dataset roots [] (none is configured: only the"
                        + " bundled digits, with 'dataset' unset)");
    }

    @Test
    void aRelativeRootIsRefused() {
        assertThatThrownBy(() -> DatasetRoots.of(List.of(Path.of("data"))))
                .hasMessage("dataset root 'data' is relative; it must be an absolute path");
    }

    private String refusal(String value) {
        try {
            roots.check(value, SOURCE);
        } catch (DatasetRoots.RefusedException e) {
            return e.getMessage();
        }
        throw new AssertionError(value + " was allowed");
    }
}
