package dev.determinedbatch.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The formatted records a logger publishes while open, for asserting what an operator reads. */
public final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level levelBefore;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private CapturedLog(Logger logger, Level level) {
        this.logger = logger;
        this.levelBefore = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(Logger.getLogger(source.getName()), null);
    }

    /** Every record of the project's loggers, FINEST included. */
    public static CapturedLog everything() {
        return new CapturedLog(Logger.getLogger("dev.determinedbatch"), Level.ALL);
    }

    /** Lines at WARNING or above, formatted with their parameters. */
    public List<String> warnings() {
        return lines.stream().filter(l -> l.startsWith("WARNING") || l.startsWith("SEVERE")).toList();
    }

    public List<String> all() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length > 0) {
            message = java.text.MessageFormat.format(message, parameters);
        }
        lines.add(record.getLevel().getName() + " " + message);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(levelBefore);
    }
}
