package dev.determinedbatch.api;

import dev.determinedbatch.batch.TrainingEnvironment;
import dev.determinedbatch.client.MasterStatus;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.storage.StorageSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready to train: the Determined master answers (or none is configured: local mode), and the
 * checkpoint storage takes a file (an S3 default storage: its bucket exists and the credentials
 * reach it).
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private TrainingEnvironment environment;

    /** For the client proxy of CDI. */
    protected ReadinessCheck() {
    }

    @Inject
    public ReadinessCheck(TrainingEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("determined-batch");
        boolean up = master(response) & storage(response);
        return response.status(up).build();
    }

    private boolean master(HealthCheckResponseBuilder response) {
        Optional<MasterStatus> probed = MasterStatus.probe(SessionOptions.fromConfig(environment.config()),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        if (probed.isEmpty()) {
            response.withData("master", "none configured: local mode");
            return true;
        }
        MasterStatus status = probed.get();
        response.withData("master", status.master());
        if (!status.up()) {
            response.withData("masterError", status.error());
        }
        return status.up();
    }

    private boolean storage(HealthCheckResponseBuilder response) {
        String location = environment.defaultStorageLocation();
        try {
            StorageSpec spec = StorageSpec.parse(location);
            if (spec instanceof StorageSpec.S3 objects) {
                // the configured text may hold secret_key: only the bucket, prefix and endpoint are shown
                response.withData("checkpointStorage", objects.describe());
                environment.probeObjectStorage(objects);
                return true;
            }
            response.withData("checkpointStorage", location);
            Path root = spec.checkpointRoot();
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".ready-", ".probe");
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            response.withData("checkpointStorageError", e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }
}
