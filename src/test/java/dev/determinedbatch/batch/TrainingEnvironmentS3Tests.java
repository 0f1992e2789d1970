package dev.determinedbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.batch.support.TrainingJobParameters;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.s3.S3Storage;
import dev.determinedbatch.storage.s3.S3TestServer;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An S3 default storage: what the environment opens, and what a job parameter may not choose. */
class TrainingEnvironmentS3Tests {

    @TempDir
    static Path serverFiles;
    private static S3TestServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer(serverFiles);
        server.createBucket("ckpt");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private String s3(String bucket, String prefix, String secret) {
        return "{\"type\": \"s3\", \"bucket\": \"" + bucket + "\", \"prefix\": \"" + prefix + "\", \"endpoint_url\": \""
                + server.endpoint() + "\", \"access_key\": \"" + S3TestServer.ACCESS_KEY + "\", \"secret_key\": \""
                + secret + "\"}";
    }

    @Test
    void theOperatorsS3StorageIsOpenedOnceAndAJobMayNameOnlyIt() throws Exception {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                "det.checkpoint.storage", s3("ckpt", "team", S3TestServer.SECRET_KEY))));
        try {
            CheckpointStorage storage = environment.storage(parameters(environment));
            assertThat(storage).isInstanceOf(S3Storage.class);
            assertThat(storage.config()).doesNotContainKeys("access_key", "secret_key");
            StoredCheckpoint stored = storage.store(Map.of("steps_completed", 1),
                    dir -> Files.writeString(dir.resolve("w.bin"), "w"));
            // the same bucket and prefix from a job: the operator's storage, with the operator's credentials
            CheckpointStorage chosen = environment.storage(parameters(environment, "checkpointStorage",
                    "{\"type\": \"s3\", \"bucket\": \"ckpt\", \"prefix\": \"/team/\", \"endpoint_url\": \""
                            + server.endpoint() + "\"}"));
            assertThat(chosen).isSameAs(storage);
            assertThat(chosen.list()).extracting(StoredCheckpoint::uuid).containsExactly(stored.uuid());

            assertThatThrownBy(() -> environment.storage(parameters(environment, "checkpointStorage",
                    s3("other", "team", "job-secret"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("job parameter 'checkpointStorage': s3://other/team at " + server.endpoint()
                            + " is not the operator's default checkpoint storage")
                    .hasMessageNotContaining("job-secret");
        } finally {
            environment.closeObjectStorages();
        }
    }

    @Test
    void wrongCredentialsFailBeforeTrainingNamingTheBucketOnly() {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                "det.checkpoint.storage", s3("ckpt", "team", "not-the-secret"))));
        assertThatThrownBy(() -> environment.storage(parameters(environment)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("S3 bucket 'ckpt'").hasMessageContaining("refused the credentials")
                .hasMessageNotContaining("not-the-secret");
    }

    @Test
    void theReadinessProbeChecksTheBucketOfTheDefaultStorage() throws Exception {
        server.createBucket("probed");
        String location = s3("probed", "p", S3TestServer.SECRET_KEY);
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(), "det.checkpoint.storage", location)));
        try {
            StorageSpec.S3 spec = (StorageSpec.S3) StorageSpec.parse(environment.defaultStorageLocation());
            environment.probeObjectStorage(spec);

            server.deleteBucket("probed");
            assertThatThrownBy(() -> environment.probeObjectStorage(spec))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("S3 bucket 'probed'").hasMessageContaining("does not exist")
                    .hasMessageNotContaining(S3TestServer.SECRET_KEY);
        } finally {
            environment.closeObjectStorages();
        }
    }

    @Test
    void theReadinessProbeOfRefusedCredentialsNamesTheBucketOnly() {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                "det.checkpoint.storage", s3("ckpt", "team", "not-the-secret"))));
        StorageSpec.S3 spec = (StorageSpec.S3) StorageSpec.parse(environment.defaultStorageLocation());
        assertThatThrownBy(() -> environment.probeObjectStorage(spec))
                .hasMessageContaining("S3 bucket 'ckpt'").hasMessageContaining("refused the credentials")
                .hasMessageNotContaining("not-the-secret");
    }

    private static TrainingJobParameters parameters(TrainingEnvironment environment, String... nameValues) {
        Properties job = new Properties();
        for (int i = 0; i < nameValues.length; i += 2) {
            job.setProperty(nameValues[i], nameValues[i + 1]);
        }
        return TrainingJobParameters.parse(job, environment.config(), "train", 1);
    }

    private static org.eclipse.microprofile.config.Config config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
