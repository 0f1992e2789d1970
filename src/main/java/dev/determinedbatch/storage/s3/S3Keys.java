package dev.determinedbatch.storage.s3;

import dev.determinedbatch.storage.CheckpointUuid;
import dev.determinedbatch.storage.S3Prefix;

/**
 * Object keys as Determined's {@code S3StorageManager} makes them: the prefix normalised by its
 * {@code normalize_prefix} ({@code os.path.normpath(prefix).lstrip("/")}, after refusing
 * {@code ..} components), a checkpoint under {@code os.path.join(prefix, uuid)}, each file at
 * {@code <that>/<relative path>}, each directory as an empty object {@code <that>/<rel/dir/>}.
 * The checksum manifest, which Determined does not know, lies beside the checkpoints at
 * {@code os.path.join(prefix, ".checksums/<uuid>.json")}: not under any uuid, so Determined's
 * download and delete of a checkpoint never see it. So does the upload mark
 * {@code <prefix>/.uploads/<uuid>}, which lies there while a store or a delete is under way.
 */
public final class S3Keys {

    static final String CHECKSUMS = ".checksums";
    static final String UPLOADS = ".uploads";

    private final String prefix;

    /** @param prefix the {@code prefix} of the storage config, or null */
    public S3Keys(String prefix) {
        this.prefix = S3Prefix.normalize(prefix);
    }

    /** The prefix as Determined normalises it; "" for none. */
    public String prefix() {
        return prefix;
    }

    /** {@code <prefix>/<uuid>}, without a trailing slash, as {@code get_storage_prefix}. */
    public String checkpointPrefix(String uuid) {
        return join(prefix, CheckpointUuid.require(uuid));
    }

    /** The key of a checkpoint's file ({@code "w.bin"}) or directory ({@code "sub/"}). */
    public String objectKey(String uuid, String relativePath) {
        return checkpointPrefix(uuid) + "/" + relativePath;
    }

    /** Where the checksum manifests lie: {@code <prefix>/.checksums/}. */
    public String manifestDirectory() {
        return join(prefix, CHECKSUMS) + "/";
    }

    /** {@code <prefix>/.checksums/<uuid>.json}. */
    public String manifestKey(String uuid) {
        return manifestDirectory() + CheckpointUuid.require(uuid) + ".json";
    }

    /** Where the upload marks lie: {@code <prefix>/.uploads/}. */
    public String uploadMarkDirectory() {
        return join(prefix, UPLOADS) + "/";
    }

    /** {@code <prefix>/.uploads/<uuid>}: an upload or delete of the checkpoint is under way, or was interrupted. */
    public String uploadMarkKey(String uuid) {
        return uploadMarkDirectory() + CheckpointUuid.require(uuid);
    }

    /** The manifest's name relative to the storage, for errors: {@code .checksums/<uuid>.json}. */
    static String manifestName(String uuid) {
        return CHECKSUMS + "/" + uuid + ".json";
    }

    /** {@code os.path.join(a, b)} for a relative {@code b}. */
    private static String join(String a, String b) {
        return a.isEmpty() || a.endsWith("/") ? a + b : a + "/" + b;
    }
}
