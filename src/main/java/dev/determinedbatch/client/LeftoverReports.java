package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.RunSupersededException;
import dev.determinedbatch.client.core.TrialBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers what an earlier session of the same trial left in its spill file (it was closed while
 * the master was unreachable, or its process died), before the new session starts its run.
 *
 * <p>Every report goes out as it was made, under its own run id, never re-labelled: the master
 * keeps a run's metrics apart from a later run's (it archives those a later run supersedes), and
 * a report claiming a run that did not make it would be false; it could also collide with what
 * the new run reports at the same step. Because the new run has not started yet, the earlier
 * run is usually still the trial's current one and the master takes its metrics. Checkpoint
 * reports carry no run id and are always taken; as they are delivered before the run starts,
 * the master's answer to the start names them when they are the latest.
 *
 * <p>When a newer run started meanwhile (another session of the trial), the master refuses the
 * old run's metrics ("invalid run id"): no request can ever deliver them. They, and anything else
 * the master refuses, are moved to the {@code .undeliverable.jsonl} file beside the spill and
 * counted in a warning, so that nothing disappears silently. Reports a crashed process may
 * already have delivered count as delivered when the master answers that it holds them.
 */
final class LeftoverReports {

    private static final Logger LOG = Logger.getLogger(LeftoverReports.class.getName());

    private LeftoverReports() {
    }

    /**
     * @throws DeterminedException when the master is unreachable; the reports not delivered yet
     *                             stay in the spill file for the next try
     */
    static void deliver(MetricSpill spill, TrialBackend backend) {
        if (!Files.exists(spill.file())) {
            return;
        }
        List<String> lines;
        try {
            lines = MetricSpill.readAll(spill.file());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the spill file " + spill.file() + " failed", e);
        }
        ReportTally delivered = new ReportTally();
        ReportTally superseded = new ReportTally();
        ReportTally refused = new ReportTally();
        List<String> undeliverable = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Report report;
            try {
                report = ReportLines.read(lines.get(i)).report();
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "unreadable line in spill file {0}: {1}", new Object[] {spill.file(), e.getMessage()});
                refused.addUnreadable();
                undeliverable.add(lines.get(i));
                continue;
            }
            try {
                backend.deliver(report, true);
                delivered.add(report);
            } catch (RunSupersededException e) {
                superseded.add(report);
                undeliverable.add(lines.get(i));
            } catch (DeterminedException e) {
                if (e.retryable()) {
                    keep(spill, lines.subList(i, lines.size()), undeliverable);
                    throw new DeterminedException((lines.size() - i) + " reports an earlier session of this trial left in "
                            + spill.file() + " cannot be delivered now; they stay there: " + e.getMessage(), e);
                }
                LOG.log(Level.WARNING, "{0}, left by an earlier session, was refused: {1}",
                        new Object[] {report.describe(), e.getMessage()});
                refused.add(report);
                undeliverable.add(lines.get(i));
            }
        }
        keep(spill, List.of(), undeliverable);
        if (!delivered.isEmpty()) {
            LOG.log(Level.INFO, "delivered what an earlier session of this trial left in {0}: {1}",
                    new Object[] {spill.file(), delivered});
        }
        if (!superseded.isEmpty()) {
            LOG.log(Level.WARNING, "cannot deliver {0}, left by an earlier session in {1}: the master takes metrics only"
                    + " from the trial''s current run, and a newer run has started since; they are kept in {2}",
                    new Object[] {superseded, spill.file(), spill.undeliverableFile()});
        }
        if (!refused.isEmpty()) {
            LOG.log(Level.WARNING, "the master refused {0}, left by an earlier session in {1}; they are kept in {2}",
                    new Object[] {refused, spill.file(), spill.undeliverableFile()});
        }
    }

    /** Moves the undeliverable lines aside first, then leaves only {@code rest} in the spill. */
    private static void keep(MetricSpill spill, List<String> rest, List<String> undeliverable) {
        try {
            if (!undeliverable.isEmpty()) {
                MetricSpill.appendTo(spill.undeliverableFile(), undeliverable);
            }
            spill.replaceWith(rest);
        } catch (IOException e) {
            throw new UncheckedIOException("updating the spill file " + spill.file() + " failed", e);
        }
    }
}
