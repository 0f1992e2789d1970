package dev.determinedbatch.batch;

import dev.determinedbatch.client.LeftoverCourier;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.recovery.ExecutionTrial;
import dev.determinedbatch.recovery.TrialReaper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the Determined trial of an execution that crash recovery marked FAILED, through the
 * client's durable delivery: the trial's ERROR goes into this server's spill, forced to disk, and
 * the leftover courier sends it (at once, or when the master answers again). Recovery runs on the
 * lease's thread, which must never wait on the master, so nothing here does.
 */
@ApplicationScoped
public class TrialReaperService implements TrialReaper {

    private static final Logger LOG = Logger.getLogger(TrialReaperService.class.getName());

    private LeftoverCourierService couriers;

    /** For the client proxy of CDI. */
    protected TrialReaperService() {
    }

    @Inject
    public TrialReaperService(LeftoverCourierService couriers) {
        this.couriers = couriers;
    }

    @Override
    public boolean reap(ExecutionTrial trial) throws IOException {
        Optional<LeftoverCourier> courier = couriers.courier();
        if (courier.isEmpty()) {
            LogCode.TRIAL_NOT_REAPED.log(LOG, trial.describe(), "the server's configuration is invalid (see "
                    + LogCode.COURIER_NOT_STARTED.code() + "), so no leftover courier runs");
            return false;
        }
        return switch (courier.get().endLostRun(trial.trialKey(), trial.trialId(), trial.trialRunId())) {
            case QUEUED -> {
                LogCode.TRIAL_REAPED.log(LOG, trial.describe(), courier.get().spillFileOf(trial.trialKey()));
                yield true;
            }
            case SPILL_HELD -> {
                // a restart's session of the trial, or a delivery of its file: asked again next pass
                LOG.log(Level.FINE, "trial {0}: its spill file is held; its ERROR waits for the next recovery pass",
                        trial.describe());
                yield false;
            }
            case NO_MASTER -> {
                LogCode.TRIAL_REAP_MOOT.log(LOG, trial.describe(), "this server has no Determined master configured"
                        + " (det.master); the trial's master shows it RUNNING until it is opened again");
                yield true;
            }
        };
    }
}
