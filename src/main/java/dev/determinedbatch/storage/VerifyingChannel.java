package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.CRC32C;

/**
 * Reads a checkpoint file front to back and checks it against its manifest entry as the bytes
 * pass: the read that delivers its last byte fails with {@link CorruptCheckpointException} when
 * the CRC32C differs, so a reader that reads a file through it to the end never finishes with
 * damaged bytes, and the file is read once. Only sequential reads; it never writes.
 */
final class VerifyingChannel implements SeekableByteChannel {

    private final FileChannel file;
    private final String uuid;
    private final String name;
    private final FileChecksum expected;
    private final Runnable onVerified;
    private final CRC32C crc = new CRC32C();
    private long read;

    VerifyingChannel(FileChannel file, String uuid, String name, FileChecksum expected, Runnable onVerified) {
        this.file = file;
        this.uuid = uuid;
        this.name = name;
        this.expected = expected;
        this.onVerified = onVerified;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        ByteBuffer passed = destination.duplicate();
        int n = file.read(destination);
        if (n > 0) {
            passed.limit(passed.position() + n);
            crc.update(passed);
            read += n;
            if (read > expected.size()) {
                throw new CorruptCheckpointException(uuid, name, "size over " + read + ", expected " + expected.size());
            }
        }
        if (read == expected.size() && (n > 0 || expected.size() == 0)) {
            check();
        } else if (n < 0 && read < expected.size()) {
            throw new CorruptCheckpointException(uuid, name, "size " + read + ", expected " + expected.size());
        }
        return n;
    }

    private void check() throws CorruptCheckpointException {
        int actual = (int) crc.getValue();
        if (actual != expected.crc32c()) {
            throw new CorruptCheckpointException(uuid, name, CheckpointManifest.ALGORITHM + " mismatch: "
                    + new FileChecksum(read, actual).crc32cHex() + ", expected " + expected.crc32cHex());
        }
        onVerified.run();
    }

    @Override
    public long position() {
        return read;
    }

    /** Only to where it is: a verifying read goes front to back. */
    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition != read) {
            throw new IOException(name + " of checkpoint " + uuid + " is read front to back while it is verified");
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
