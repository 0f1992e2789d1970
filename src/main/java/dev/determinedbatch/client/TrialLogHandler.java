package dev.determinedbatch.client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Feeds the log records of the trial's threads to the {@link LogShipper}, so that they appear
 * in Determined's web UI beside the trial, as a Python trial's output does. The client's own
 * chatter below WARNING stays out, as it does in Determined's.
 */
final class TrialLogHandler extends Handler {

    private static final String CLIENT_LOGGERS = "dev.determinedbatch.client";

    private final LogShipper shipper;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    TrialLogHandler(LogShipper shipper) {
        this.shipper = shipper;
        setFormatter(new SimpleFormatter());
    }

    void bind(Thread thread) {
        threads.add(thread);
    }

    void unbind(Thread thread) {
        threads.remove(thread);
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !threads.contains(Thread.currentThread()) || shipper.isShippingThread()) {
            return;
        }
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (logger.startsWith(CLIENT_LOGGERS) && record.getLevel().intValue() < Level.WARNING.intValue()) {
            return;
        }
        StringBuilder text = new StringBuilder(getFormatter().formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace.toString().stripTrailing());
        }
        shipper.append(text.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        threads.clear();
    }
}
