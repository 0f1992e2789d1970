package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The size and CRC32C of one checkpoint file, as the checksum manifest records it. CRC32C
 * because it runs at memory speed (hardware instructions), so checking a checkpoint costs little
 * more than reading it; it detects accidental damage, not tampering.
 */
public record FileChecksum(long size, int crc32c) {

    private static final int BUFFER_BYTES = 1 << 16;

    public FileChecksum {
        if (size < 0) {
            throw new IllegalArgumentException("file size must not be negative, got " + size);
        }
    }

    /** The CRC as the checksum manifest writes it: 8 lower-case hex digits. */
    public String crc32cHex() {
        return String.format("%08x", crc32c);
    }

    /** Reads a whole file once. */
    public static FileChecksum of(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return of(channel);
        }
    }

    /**
     * Reads a channel from its start to its end once; the size is what was read, so it and the
     * CRC describe the same bytes.
     */
    public static FileChecksum of(FileChannel channel) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        long position = 0;
        int read;
        while ((read = channel.read(buffer, position)) >= 0) {
            buffer.flip();
            crc.update(buffer);
            buffer.clear();
            position += read;
        }
        return new FileChecksum(position, (int) crc.getValue());
    }
}
