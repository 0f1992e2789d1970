package dev.determinedbatch.storage.s3;

import dev.determinedbatch.storage.CheckpointUuid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The marks {@code <prefix>/.uploads/<uuid>} that lie in the bucket while a store or a delete of
 * that checkpoint is under way: while one lies there the checkpoint's objects may be incomplete.
 * A mark older than {@code staleAfter} is taken for the mark of a writer that died.
 */
final class UploadMarks {

    private final S3Bucket bucket;
    private final S3Keys keys;
    private final Clock clock;
    private final Duration staleAfter;

    UploadMarks(S3Bucket bucket, S3Keys keys, Clock clock, Duration staleAfter) {
        this.bucket = bucket;
        this.keys = keys;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** Writes the mark before the first object of a store or a delete ({@code what}). */
    void mark(String uuid, String what) throws IOException {
        bucket.await(bucket.client().putObject(p -> p.bucket(bucket.name()).key(keys.uploadMarkKey(uuid)),
                AsyncRequestBody.fromBytes((what + " started " + clock.instant()).getBytes(StandardCharsets.UTF_8))),
                "write the upload mark of " + uuid);
    }

    void unmark(String uuid) throws IOException {
        bucket.await(bucket.client().deleteObject(d -> d.bucket(bucket.name()).key(keys.uploadMarkKey(uuid))),
                "remove the upload mark of " + uuid);
    }

    /** The uuids whose mark is stale: their writer is taken for dead. */
    List<String> stale() throws IOException {
        String directory = keys.uploadMarkDirectory();
        Instant staleBefore = clock.instant().minus(staleAfter);
        List<String> uuids = new ArrayList<>();
        for (S3Object mark : bucket.list(directory)) {
            String uuid = mark.key().substring(directory.length());
            if (CheckpointUuid.isValid(uuid) && mark.lastModified() != null && !mark.lastModified().isAfter(staleBefore)) {
                uuids.add(uuid);
            }
        }
        return uuids;
    }
}
