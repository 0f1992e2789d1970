package dev.determinedbatch.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/** The baselines: the plainest sequential write-and-sync and read of the same bytes, on the same disk. */
final class PlainFiles {

    private PlainFiles() {
    }

    static byte[] randomBytes(long size, long seed) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a plain baseline holds at most 2 GB, not " + size + " bytes");
        }
        byte[] bytes = new byte[(int) size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code bytes} to a new file in one sequential pass and syncs it; returns the seconds taken. */
    static double writeAndSync(Path file, byte[] bytes) throws IOException {
        long start = System.nanoTime();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        return Samples.secondsSince(start);
    }

    /** Reads every byte of {@code files} into memory; returns the bytes read. */
    static long readAll(Iterable<Path> files) throws IOException {
        long read = 0;
        for (Path file : files) {
            read += Files.readAllBytes(file).length;
        }
        return read;
    }
}
