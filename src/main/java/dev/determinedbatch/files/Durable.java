package dev.determinedbatch.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making what was written survive a crash: shared by checkpoint storage and the report spill. */
public final class Durable {

    private Durable() {
    }

    /**
     * Forces a directory's entries (a new file, a rename) to disk. Some platforms (Windows) cannot
     * open a directory; there the entry is as durable as the platform makes it, and nothing more
     * can be done.
     */
    public static void forceDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException cannotOpenDirectories) {
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    /**
     * Writes all of {@code bytes} at the channel's position and forces them to disk, with the
     * file's metadata (its size, times) too when {@code metadata}.
     */
    public static void writeFully(FileChannel channel, byte[] bytes, boolean metadata) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(metadata);
    }
}
