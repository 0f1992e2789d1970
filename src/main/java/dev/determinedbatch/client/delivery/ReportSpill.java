package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.files.Durable;
import dev.determinedbatch.log.LogCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The append-only file where a trial's reports wait while the master is unreachable or the
 * memory queue is full: one JSON line per report ({@link ReportLines}), oldest first. Each append
 * is forced to disk before it returns, so what was spilled survives a crash; a crash mid-append
 * leaves at most a torn last line, which {@link #readAll} ignores. Lines are handed out in order
 * and the file is deleted once every line was delivered. Not thread-safe: {@link ReportQueue}
 * guards it.
 */
public final class ReportSpill {

    private static final Logger LOG = Logger.getLogger(ReportSpill.class.getName());

    /** One line, without its line break, and where it lies in the file. */
    record Line(long start, long end, String text) {
    }

    private final Path file;
    private long size;
    private long readCursor;

    public ReportSpill(Path file) throws IOException {
        this.file = file.toAbsolutePath();
        this.size = Files.exists(this.file) ? Files.size(this.file) : 0;
    }

    /** The spill of the trial {@code trialKey} (see {@code TrialBackend.BeforeRun}) in {@code directory}. */
    public static ReportSpill forTrial(Path directory, String trialKey) throws IOException {
        return new ReportSpill(fileOf(directory, trialKey));
    }

    /** Where the spill of the trial {@code trialKey} lies in {@code directory}. */
    public static Path fileOf(Path directory, String trialKey) {
        return directory.resolve(trialKey.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl").toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** Where reports that can never be delivered are kept for an operator, beside the spill. */
    public Path undeliverableFile() {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".jsonl".length()) + ".undeliverable.jsonl");
    }

    /** Whether lines wait that were not handed out yet. */
    boolean hasUnread() {
        return readCursor < size;
    }

    /** Where the first line not handed out yet starts. */
    long readCursor() {
        return readCursor;
    }

    /**
     * Appends a report made outside any session (the ERROR of a run whose process died), after
     * whatever waits in the file, forced to disk; the one who calls it holds the file's {@link SpillClaim}.
     */
    public void appendLeftover(Report report) throws IOException {
        append(List.of(ReportLines.write(0, report)));
    }

    /** Appends the lines as one write, forced to disk; on failure the file is as before. */
    void append(List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        size += appendTo(file, lines);
    }

    /** Appends to any such file (the undeliverable one too); returns the bytes written. */
    static long appendTo(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            if (line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a spilled report must be one line");
            }
            text.append(line).append('\n');
        }
        boolean created = !Files.exists(file);
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long before = channel.size();
            channel.position(before);
            if (endsWithinALine(channel)) {
                // a crash tore the last line: end it, so that it cannot swallow the first new one
                text.insert(0, '\n');
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            try {
                Durable.writeFully(channel, bytes, false);
            } catch (IOException e) {
                // a torn line would hide the appends after it from the reader: cut it off
                channel.truncate(before);
                throw e;
            }
            if (created) {
                Durable.forceDirectory(file.getParent());
            }
            return bytes.length;
        }
    }

    private static boolean endsWithinALine(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    /** Hands out the next line, oldest first; call only when {@link #hasUnread()}. */
    Line readNext() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long start = readCursor;
        long position = start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (position < size) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read < 0) {
                    break;
                }
                for (int i = 0; i < read; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        readCursor = position + i + 1;
                        return new Line(start, readCursor, line.toString(StandardCharsets.UTF_8));
                    }
                    line.write(b);
                }
                position += read;
            }
        }
        throw new IOException("spill file " + file + " ends within a line at byte " + start);
    }

    /** Every line up to {@code line} was delivered: at the end, the file goes. */
    void delivered(Line line) throws IOException {
        if (line.end() == size && readCursor == size) {
            Files.deleteIfExists(file);
            size = 0;
            readCursor = 0;
        }
    }

    /**
     * Leaves in the file only what is not delivered: the lines from {@code from} on, then
     * {@code more}. Written beside it and renamed over it, so a crash leaves the old or the new.
     */
    void keep(long from, List<String> more) throws IOException {
        if (from >= size) {
            delete();
            append(more);
            return;
        }
        if (from > 0) {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.deleteIfExists(next);
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel target = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long copied = 0;
                while (copied < size - from) {
                    copied += source.transferTo(from + copied, size - from - copied, target);
                }
                target.force(false);
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durable.forceDirectory(file.getParent());
            size -= from;
        }
        readCursor = 0;
        append(more);
    }

    /** Replaces what the file holds by {@code lines} at once: a crash leaves the old or the new. */
    void replaceWith(List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            delete();
            return;
        }
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.deleteIfExists(next);
        long written = appendTo(next, lines);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durable.forceDirectory(file.getParent());
        size = written;
        readCursor = 0;
    }

    /** Removes the file, e.g. once a later session has dealt with every line in it. */
    void delete() throws IOException {
        Files.deleteIfExists(file);
        size = 0;
        readCursor = 0;
    }

    /**
     * The complete lines of a spill file, oldest first. A last line without its line break was
     * cut short by a crash while being appended: it was never confirmed to anyone, so it is
     * ignored, with a warning.
     */
    public static List<String> readAll(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            if (end > start) {
                lines.add(text.substring(start, end));
            }
            start = end + 1;
        }
        if (start < text.length()) {
            LogCode.SPILL_TORN_LINE.log(LOG, text.length() - start, file);
        }
        return lines;
    }
}
