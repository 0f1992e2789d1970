package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Passes bytes on to a channel and takes their size and CRC32C on the way, so that a file's
 * checksum for the manifest costs no second read. Closing it leaves the channel open: its owner
 * syncs and closes it.
 */
public final class ChecksummingChannel implements WritableByteChannel {

    private final WritableByteChannel out;
    private final CRC32C crc = new CRC32C();
    private long size;
    private boolean open = true;

    public ChecksummingChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (!open) {
            throw new java.nio.channels.ClosedChannelException();
        }
        ByteBuffer passed = source.duplicate();
        int written = out.write(source);
        passed.limit(passed.position() + written);
        crc.update(passed);
        size += written;
        return written;
    }

    /** Size and CRC32C of every byte written so far. */
    public FileChecksum checksum() {
        return new FileChecksum(size, (int) crc.getValue());
    }

    @Override
    public boolean isOpen() {
        return open && out.isOpen();
    }

    @Override
    public void close() {
        open = false;
    }
}
