package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.RunSupersededException;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.log.LogCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers what an earlier session of the same trial left in its spill file (it was closed while
 * the master was unreachable, or its process died): the next session of the trial before it
 * starts its run, or, once the master answers again, the {@link dev.determinedbatch.client.LeftoverCourier}.
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
 *
 * <p>A session closed during an outage leaves its {@link Report.FinalState} last. The courier
 * sends it after the reports, as close would have: the state PATCH of PROTOCOL.md. It is not
 * sent when the master refused a metrics report of that run as superseded (a newer run owns the
 * trial's state then); it is set aside with those reports. A next session does not send it
 * either: its own run starts the trial again at once.
 */
public final class LeftoverReports {

    private static final Logger LOG = Logger.getLogger(LeftoverReports.class.getName());

    /** Who delivers: decides what becomes of the final state left with the reports. */
    public enum Deliverer {
        /** the next session of the trial, before it starts its run, which makes the final state moot */
        NEXT_SESSION,
        /** the leftover courier: sends the final state after the reports */
        COURIER
    }

    /**
     * What one delivery did.
     *
     * @param delivered   what the master took
     * @param left        how many lines stay in the spill file for a later try
     * @param unreachable why the rest stays (the master is unreachable), or null
     */
    public record Delivery(ReportTally delivered, int left, DeterminedException unreachable) {
    }

    private LeftoverReports() {
    }

    /**
     * Delivers before a session's run starts.
     *
     * @throws DeterminedException when the master is unreachable; the reports not delivered yet
     *                             stay in the spill file for the next try
     */
    public static void deliver(ReportSpill spill, TrialBackend backend) {
        Delivery delivery = deliver(spill, backend, Deliverer.NEXT_SESSION, () -> false);
        if (delivery.unreachable() != null) {
            throw delivery.unreachable();
        }
        if (!delivery.delivered().isEmpty()) {
            LogCode.LEFTOVERS_DELIVERED_BY_SESSION.log(LOG, spill.file(), delivery.delivered());
        }
    }

    /**
     * Delivers the spill file's reports in order, then (for the courier) the final state; the
     * file is gone afterwards, except for what is left for a later try.
     *
     * @param stop asked before each report: true ends the delivery there, leaving the rest in the
     *             spill file for whoever comes next
     */
    public static Delivery deliver(ReportSpill spill, TrialBackend backend, Deliverer deliverer, BooleanSupplier stop) {
        if (!Files.exists(spill.file())) {
            return new Delivery(new ReportTally(), 0, null);
        }
        List<String> lines;
        try {
            lines = ReportSpill.readAll(spill.file());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the spill file " + spill.file() + " failed", e);
        }
        ReportTally delivered = new ReportTally();
        ReportTally superseded = new ReportTally();
        ReportTally refused = new ReportTally();
        Set<Integer> supersededRuns = new HashSet<>();
        List<String> undeliverable = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (stop.getAsBoolean()) {
                keep(spill, lines.subList(i, lines.size()), undeliverable);
                return new Delivery(delivered, lines.size() - i, null);
            }
            Report report;
            try {
                report = ReportLines.read(lines.get(i)).report();
            } catch (IllegalArgumentException e) {
                LogCode.LEFTOVER_LINE_UNREADABLE.log(LOG, spill.file(), e.getMessage());
                refused.addUnreadable();
                undeliverable.add(lines.get(i));
                continue;
            }
            if (report instanceof Report.FinalState end) {
                if (deliverer == Deliverer.NEXT_SESSION) {
                    LOG.log(Level.FINE, "not sending the {0} left in {1}: this session''s run starts the trial again",
                            new Object[] {end.describe(), spill.file()});
                    continue;
                }
                if (supersededRuns.contains(end.trialRunId())) {
                    superseded.add(end);
                    undeliverable.add(lines.get(i));
                    continue;
                }
            }
            try {
                backend.deliver(report, true);
                delivered.add(report);
            } catch (RunSupersededException e) {
                superseded.add(report);
                undeliverable.add(lines.get(i));
                if (report instanceof Report.Metrics m) {
                    supersededRuns.add(m.trialRunId());
                }
            } catch (DeterminedException e) {
                if (e.retryable()) {
                    keep(spill, lines.subList(i, lines.size()), undeliverable);
                    return new Delivery(delivered, lines.size() - i, new DeterminedException((lines.size() - i)
                            + " reports an earlier session of this trial left in " + spill.file()
                            + " cannot be delivered now; they stay there: " + e.getMessage(), e));
                }
                LogCode.LEFTOVER_REFUSED.log(LOG, report.describe(), e.getMessage());
                refused.add(report);
                undeliverable.add(lines.get(i));
            }
        }
        keep(spill, List.of(), undeliverable);
        if (!superseded.isEmpty()) {
            LogCode.LEFTOVERS_SUPERSEDED.log(LOG, superseded, spill.file(), spill.undeliverableFile());
        }
        if (!refused.isEmpty()) {
            LogCode.LEFTOVERS_REFUSED_KEPT.log(LOG, refused, spill.file(), spill.undeliverableFile());
        }
        return new Delivery(delivered, 0, null);
    }

    /** Moves the undeliverable lines aside first, then leaves only {@code rest} in the spill. */
    private static void keep(ReportSpill spill, List<String> rest, List<String> undeliverable) {
        try {
            if (!undeliverable.isEmpty()) {
                ReportSpill.appendTo(spill.undeliverableFile(), undeliverable);
            }
            spill.replaceWith(rest);
        } catch (IOException e) {
            throw new UncheckedIOException("updating the spill file " + spill.file() + " failed", e);
        }
    }
}
