package dev.determinedbatch.log;

import static java.util.logging.Level.INFO;
import static java.util.logging.Level.SEVERE;
import static java.util.logging.Level.WARNING;

import java.text.MessageFormat;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every message this project logs at INFO or above (but the seed example's own output), numbered,
 * so that an operator can search the log, the README and an issue tracker for one code
 * ({@code DETBATCH-0021}), as JBeret's {@code JBERET000601}. Each constant holds its number, its level, its message (a
 * {@link MessageFormat} pattern, logged after the code) and one line for operators: what it means
 * and what to do. The README's "Log messages" table is this enum (LogCodesDocumentedTests).
 *
 * <p>Numbers are stable: never renumber a code, never give a retired number again (leave a gap).
 * They are grouped by area, with room to grow, and declared in ascending order:
 * <ul>
 * <li>0001-0099 the client and the master: login, requests, trial sessions, local mode</li>
 * <li>0100-0199 report delivery: the queue, the sender, the spill file, leftovers</li>
 * <li>0200-0299 checkpoint storage</li>
 * <li>0300-0399 the training job and its batch artifacts</li>
 * <li>0400-0499 the server's life: leases, crash recovery, graceful stop, run-once mode</li>
 * <li>0500-0599 the HTTP API</li>
 * </ul>
 * FINE and finer lines need no code; a coded message may be logged again at FINE ({@link #fine})
 * where a repetition need not be seen.
 */
public enum LogCode {

    // 0001-0099 the client and the master
    MASTER_NOT_REACHABLE(1, WARNING, "{0} failed: master {1} not reachable ({2}); retry {3} of {4}",
            "a request could not reach the master and is retried (det.master.retries); if it persists, check that the"
            + " master runs and det.master names it"),
    MASTER_UNAVAILABLE(2, WARNING, "{0} answered HTTP {1} by master {2}; retry {3} of {4}",
            "the master or a proxy before it answered 502, 503 or 504; the request is retried (det.master.retries)"),
    SESSION_TOKEN_REFUSED(3, INFO, "{0}: the master refused the session token (401); authenticating again",
            "the master no longer takes the session token (expired, or the master restarted); the client logs in"
            + " again, nothing to do"),
    LOST_ANSWER_COUNTED_DONE(4, INFO, "{0}: an earlier try whose answer was lost was carried out; counted as done"
            + " (the retry was refused: {1})",
            "a retried request was refused because its first try, whose answer was lost, took effect; nothing to do"),
    LOGIN_VARIABLE_IGNORED(5, WARNING, "logging in to {0}: {1}",
            "a credential variable was ignored as Determined's client ignores it, so the default user logs in; set"
            + " DET_USER with DET_PASS or with DET_USER_TOKEN"),
    TRIAL_RUN_STARTED(10, INFO, "trial {0} (experiment {1}, task {2}) run {3} started at {4}; latest checkpoint: {5}",
            "a trial session started a run at the master; the trial id is the one Determined's web UI shows"),
    HEARTBEAT_FAILED(11, WARNING, "heartbeat failed, next try in {0} s: {1}",
            "the master did not take the trial's heartbeat; training goes on, check the master if it repeats"),
    TRIAL_LOG_LINES_DROPPED(12, WARNING, "{0} trial log lines were dropped: the master took none for too long",
            "trial log lines meant for Determined's web UI were lost (the server's own log still has them)"),
    TRIAL_LOG_SHIPPING_FAILED(13, WARNING, "shipping {0} trial log lines failed, kept for the next try: {1}",
            "trial log lines could not be sent to the master; they are sent again with the next batch"),
    TRIAL_LOG_NOT_SHIPPED_IN_TIME(14, WARNING, "trial log lines not shipped within {0}",
            "at close, the last trial log lines did not reach the master in time; they show only in the server's log"),
    TRIAL_LOG_LAST_SHIPPING_FAILED(15, WARNING, "shipping the last trial log lines failed",
            "at close, the last trial log lines could not be sent to the master; they show only in the server's log"),
    TRIAL_NOT_MARKED(20, WARNING, "trial {0} was not marked {1}: the master is unreachable ({2}){3}",
            "a closing session could not tell the master the trial's final state; a leftover courier sends it once"
            + " the master answers, else the trial shows RUNNING until its next session"),
    TRIAL_CLOSED_WITH_UNDELIVERED_REPORTS(21, WARNING, "trial {0} run {1} closed ({2}) with reports not delivered"
            + " within det.close.timeout ({3} s): {4}; they are kept in {5} and go out once the master answers: a"
            + " leftover courier (the server runs one) delivers them, or else the next session of this trial, before"
            + " it starts its run",
            "the master was unreachable at close; the reports wait in the spill file named, nothing is lost; keep the"
            + " file until code DETBATCH-0132 or DETBATCH-0120 says they were delivered"),
    UNDELIVERED_REPORTS_LOST(22, SEVERE, "trial {0}: undelivered reports could not be kept in {1} and are lost: {2}",
            "reports the master did not take could not be written to the spill file (disk full, permissions): those"
            + " metrics and checkpoint reports are lost; fix det.metrics.spill-dir"),
    FINAL_STATE_NOT_KEPT(23, WARNING, "trial {0}: the final state {1} could not be kept in {2}: {3}",
            "the trial's final state could not be written to the spill file; the trial shows RUNNING at the master"
            + " until its next session; check det.metrics.spill-dir"),
    LOCAL_TRIAL_RUN_STARTED(50, INFO, "local trial {0} run {1} started (no Determined master configured); metrics go"
            + " to {2}; latest checkpoint: {3}",
            "local mode: no det.master is set, so metrics go to the local metrics file; set DET_MASTER to use"
            + " Determined"),
    LOCAL_METRICS(51, INFO, "trial {0} {1} metrics at step {2}: {3}",
            "local mode: metrics as written to the local metrics file (training metrics at FINE)"),
    LOCAL_CHECKPOINT(52, INFO, "trial {0} checkpoint {1} at step {2}",
            "local mode: a checkpoint recorded in the local metrics file"),
    LOCAL_METRICS_FILE_NOT_CLOSED(53, WARNING, "closing the local metrics file {0} failed",
            "local mode: the local metrics file may lack its last lines; check det.local.metrics-file's disk"),

    // 0100-0199 report delivery
    REPORT_REFUSED(100, WARNING, "{0} was refused: {1}",
            "the master refused a report (metrics, progress or checkpoint); the caller gets the refusal at its next"
            + " report or at close"),
    REPORTS_WAIT_MASTER_UNREACHABLE(101, WARNING, "{0} not delivered, the master is unreachable: {1}. Reports wait in"
            + " {2} and go out in order once it answers; next try in {3} s",
            "the master does not answer; reports wait in the spill file and go out in order when it does (repeats"
            + " at FINE); nothing is lost"),
    SPILL_NOT_READABLE(102, SEVERE, "{0}; next try in {1} s",
            "the spill file cannot be read now (a disk error); its reports stay in it and are tried again; check"
            + " det.metrics.spill-dir's disk"),
    CHECKPOINT_REPORT_WAITS(103, WARNING, "{0} is stored; the master is unreachable, so its report waits in {1} and"
            + " goes out once the master answers",
            "the checkpoint's files are safe in storage; only its report to the master waits in the spill file"),
    SPILL_LINE_SKIPPED(110, SEVERE, "skipped an unreadable line of the spill file {0}: {1}",
            "a report in the spill file could not be read and is lost; the session fails at its next report"),
    SPILL_FILE_NOT_REMOVED(111, WARNING, "could not remove the drained spill file {0}: {1}",
            "every report in the spill file was delivered but the file stays; remove it by hand"),
    REPORTS_NOT_KEPT(112, SEVERE, "the master is unreachable and the reports cannot be kept on disk: {0}",
            "reports can neither reach the master nor be written to the spill file; they are lost and the session"
            + " fails; check the master and det.metrics.spill-dir"),
    SPILL_TORN_LINE(113, WARNING, "ignored a torn last line ({0} bytes) of spill file {1}: the process that wrote it"
            + " stopped while appending it",
            "a process died while writing the spill file; the one report it was writing is lost, the rest are sent"),
    SPILL_FILE_HELD(114, INFO, "waiting for another process to let go of the spill file {0} ({1})",
            "another session of the trial or a leftover courier holds the trial's spill file; the session waits up to"
            + " 5 minutes"),
    LEFTOVERS_DELIVERED_BY_SESSION(120, INFO, "delivered what an earlier session of this trial left in {0}: {1}",
            "a new session of the trial delivered what an earlier one left during an outage, before its own run"),
    LEFTOVER_LINE_UNREADABLE(121, WARNING, "unreadable line in spill file {0}: {1}",
            "a leftover report could not be read; it is moved to the undeliverable file beside the spill file"),
    LEFTOVER_REFUSED(122, WARNING, "{0}, left by an earlier session, was refused: {1}",
            "the master refused a leftover report; it is moved to the undeliverable file beside the spill file"),
    LEFTOVERS_SUPERSEDED(123, WARNING, "cannot deliver {0}, left by an earlier session in {1}: the master takes"
            + " metrics only from the trial''s current run, and a newer run has started since; they are kept in {2}",
            "leftovers of an older run can no longer be delivered; they are kept in the undeliverable file named"),
    LEFTOVERS_REFUSED_KEPT(124, WARNING, "the master refused {0}, left by an earlier session in {1}; they are kept in"
            + " {2}",
            "the leftover reports named were refused; they are kept in the undeliverable file named"),
    COURIER_STARTED(130, INFO, "delivering what sessions closed during master outages left in {0} every {1} s",
            "the leftover courier watches the spill directory (det.leftovers.period)"),
    COURIER_ROUND_FAILED(131, WARNING, "delivering leftovers in {0} failed; next look in {1} s",
            "a look at the spill directory failed unexpectedly (see the stack trace); the courier tries again"),
    COURIER_DELIVERED(132, INFO, "trial {0}: delivered {1}, left in {2} by a session closed during a master outage{3}",
            "the leftover courier delivered what a session closed during an outage left; nothing to do"),
    COURIER_REFUSED(133, WARNING, "leftovers in {0} wait: the master refuses the leftover courier: {1}; next try in"
            + " {2} s",
            "the master refuses the courier's requests (its login, say); leftovers wait until it takes them; check the"
            + " credentials"),
    COURIER_MASTER_UNREACHABLE(134, WARNING, "{0}: the master is unreachable ({1}); next try in {2} s",
            "leftovers wait for the master to answer; the courier tries again, sooner at first (repeats at FINE)"),
    COURIER_CANNOT_LOCK(135, WARNING, "cannot lock {0} to deliver the leftovers of trial {1}: {2}",
            "the courier cannot lock a spill file (permissions, disk); its leftovers wait"),
    COURIER_CANNOT_DELIVER(136, WARNING, "cannot deliver the leftovers of trial {0} in {1}: {2}",
            "the courier cannot read or rewrite a spill file (permissions, disk); its leftovers wait"),

    // 0200-0299 checkpoint storage
    INTERRUPTED_WRITES_REMOVED(200, INFO, "removed {0} leftovers of interrupted checkpoint writes and deletes",
            "a session removed what crashed checkpoint writes or deletes left in the storage; nothing to do"),
    INTERRUPTED_WRITES_NOT_CLEANED(201, WARNING, "could not clean up leftovers of interrupted checkpoint writes: {0}",
            "staging directories of crashed writes stay in the storage; they take space only; check the storage's"
            + " permissions"),

    // 0300-0399 the training job
    JOB_NOT_STARTED(300, SEVERE, "job {0} execution {1} cannot start: {2}",
            "the training job failed before training (bad parameter, storage, dataset, master); the execution's exit"
            + " status says why; fix it and start again"),
    JOB_TRAINS_TRIAL(301, INFO, "job {0} execution {1} trains trial {2} (Determined trial {3}, run {4})",
            "an execution opened its Determined trial"),
    TRAINING_FROM_STEP_0(302, INFO, "execution {0}: trial {1} starts from step 0 (no checkpoint to resume from)",
            "a fresh start: neither the job repository nor the master holds a checkpoint of the trial"),
    TRAINING_RESUMES(303, INFO, "execution {0}: trial {1} resumes at step {2} from checkpoint {3} of {4}: {5}",
            "a restart resumes from the better of the job repository's and the master's checkpoints, and says why"),
    TRAINING_RESUMES_FROM_UNREPORTED(304, WARNING, "execution {0}: trial {1} resumes at step {2} from checkpoint {3} of"
            + " {4}: {5}",
            "a restart resumes from a checkpoint the master was never told of (an outage); its report may still be in"
            + " a spill file"),
    RESUME_CHECKPOINT_SKIPPED(305, WARNING, "execution {0}: {1}",
            "a checkpoint to resume from cannot be restored (corrupt, unknown format version) and is skipped; the"
            + " next candidate is tried; the checkpoint is left as it is"),
    CHECKPOINT_WRITTEN(306, INFO, "execution {0}: checkpoint {1} at step {2} of {3}",
            "the job stored and reported a checkpoint at a chunk boundary"),
    EPOCH_DONE(307, INFO, "execution {0}: epoch {1} done, step {2} of {3}; training loss {4}; validation loss {5},"
            + " accuracy {6}",
            "training progress, once per epoch"),
    DATASET_ROW_SKIPPED(310, WARNING, "dataset {0}: skipping malformed {1}",
            "a dataset row does not parse and is skipped (datasetSkipLimit allows it); fix the file to use it"),
    DATASET_ROWS_SKIPPED_UNLOGGED(311, WARNING, "dataset {0}: skipping {1} more malformed rows, not logged one by one",
            "more malformed rows were skipped than are logged one by one (the first 10)"),
    DATASET_ROWS_SKIPPED(312, WARNING, "dataset {0}: {1} malformed rows skipped, {2} rows used",
            "how many dataset rows were skipped and used; the counts are also the metrics group dataset"),
    CHECKPOINT_WRITE_FAILED(313, SEVERE, "{0}: writing {1} in the background failed: {2}",
            "a checkpoint could not be stored or reported (disk, storage, master); it is not referenced, the job fails"
            + " at its next chunk boundary and a restart resumes from the last durable checkpoint; fix the cause"),
    CHECKPOINT_WRITE_LEFT_RUNNING(314, WARNING, "{0}: the job ended with a checkpoint write still in flight; waited"
            + " for it before closing the trial",
            "the step ended without closing its checkpoint writer (a failure before it could); the write was waited"
            + " for, nothing to do"),
    COURIER_NOT_STARTED(320, WARNING, "leftovers of closed trial sessions are not delivered in the background: {0}",
            "the server's configuration is invalid (the message says how), so no leftover courier runs; jobs fail"
            + " with the same message until it is fixed"),
    TEST_PAUSE_CONFIGURED(390, WARNING, "{0} is set: checkpoint writes pause when a file in {1} asks them to. This is"
            + " for tests only; never set it in production",
            "a test-only setting is on; remove determined.batch.test.checkpoint-write-pause-dir in production"),
    TEST_PAUSE_WAITING(391, WARNING, "test pause: the store of checkpoint {0} waits at {1} (at most {2} s) until {3} is"
            + " removed",
            "tests only: a checkpoint write is held at a phase by the kill harness"),
    TEST_PAUSE_NOT_RELEASED(392, WARNING, "test pause: nobody released checkpoint {0} at {1} within {2} s; the store"
            + " goes on",
            "tests only: a held checkpoint write went on by itself after its limit"),

    // 0400-0499 the server's life
    EXECUTION_RECOVERED(400, WARNING, "recovered job execution {0} (job {1}, instance {2}), left {3}: {4}; marked"
            + " FAILED with exit status \"{5}\", so that a restart resumes it from its last checkpoint",
            "an execution of a crashed server was marked FAILED; restart it (POST /api/jobexecutions/{id}/restart)"
            + " to resume from its last checkpoint"),
    LEASE_HELD(401, INFO, "server {0} holds a lease in the job repository, renewed every {1} s, lost after {2} s",
            "this server registered in the job repository (determined.batch.lease.period and .timeout)"),
    LEASE_RENEWAL_ERROR(402, SEVERE, "the lease of server {0} cannot be renewed",
            "an Error stopped the lease's renewal; if renewals stop, other servers take this one for crashed and"
            + " mark its executions FAILED; see the stack trace"),
    LEASE_WAS_GONE(403, SEVERE, "the lease of server {0} was gone (it was not renewed in time: a long pause, or the"
            + " database was out of reach); other servers may have recovered its executions; registering it again",
            "this server was taken for crashed; its running executions may have been marked FAILED; raise"
            + " determined.batch.lease.timeout above its pauses"),
    LEASE_NOT_RENEWED(404, WARNING, "cannot renew the lease of server {0}; trying again in {1} s",
            "the job repository's database did not take the renewal; past determined.batch.lease.timeout other servers"
            + " take this one for crashed"),
    RECOVERY_FAILED(405, SEVERE, "cannot recover executions of lost servers; trying again in {0} s",
            "crash recovery could not run on the job repository's database; crashed executions stay running until it"
            + " can"),
    LEASE_NOT_GIVEN_UP(406, WARNING, "cannot give up the lease of server {0}; it expires by itself",
            "at stop the lease could not be removed; other servers wait for it to time out before recovering"),
    EXECUTION_NOT_CLAIMED(410, SEVERE, "job {0} execution {1} cannot start: {2}",
            "the execution could not be recorded as this server's (another server runs this job instance, or the"
            + " database failed); the exit status says which"),
    EXECUTION_OWNER_NOT_REMOVED(411, WARNING, "job {0} execution {1}: cannot remove its owner row",
            "the ended execution's owner row stays; other servers cannot run this job instance until this server's"
            + " lease ends"),
    STOP_WAITING(420, INFO, "the server stops; waiting up to {0} ({1}) for {2} to end at a chunk boundary",
            "a graceful stop (SIGTERM) waits for running executions to end STOPPED (determined.batch.stop.timeout)"),
    STOP_APPLICATION_WAITING(421, INFO, "the application stops while {0} still runs; asked to stop, waiting until {1}",
            "the application stops with a training running; it asked it to stop and waits for what is left of the"
            + " stop timeout"),
    STOP_NOT_ENDED_IN_TIME(422, SEVERE, "job {0} execution {1} (trial {2}) did not end within {3} ({4}) of the stop, and"
            + " the server stops under it: its trial may stay active or be marked ERROR at the master, and the job"
            + " repository may keep the execution as running. The next server to start on this job repository marks"
            + " it FAILED (crash recovery); then restart it (POST /api/jobexecutions/{1}/restart), which resumes from"
            + " its last checkpoint. If stops often take this long, raise {3}",
            "a graceful stop ran out of time; after the next start, restart the execution named; raise"
            + " determined.batch.stop.timeout if it recurs"),
    STOP_ALL_ENDED(423, INFO, "{0} ended before the application stopped",
            "every running execution ended STOPPED in time; restart them to resume"),
    RUN_ONCE_STARTED(430, INFO, "run-once mode: started job {0}, execution {1}; the server exits when it ends",
            "run-once mode (determined.batch.run-job) started its job"),
    RUN_ONCE_COMPLETED(431, INFO, "run-once mode: execution {0} ended {1} ({2}); exiting",
            "run-once mode: the job COMPLETED; the server exits with 0"),
    RUN_ONCE_NOT_COMPLETED(432, SEVERE, "run-once mode: execution {0} ended {1} ({2}); exiting",
            "run-once mode: the job did not complete (its exit status says why); the server exits with 1"),
    RUN_ONCE_NOT_FOLLOWED(433, SEVERE, "run-once mode: cannot follow execution {0}; exiting",
            "run-once mode lost track of its execution (see the stack trace); the server exits with 2"),
    TRIAL_REAPED(440, INFO, "trial {0}: its ERROR, as Determined marks a failed trial, is kept in {1} and goes to the"
            + " master with the leftover courier; restart the execution to resume the trial",
            "crash recovery marks ERROR the trial of an execution it marked FAILED (kept on disk until the master takes"
            + " it, see DETBATCH-0132); nothing to do"),
    TRIAL_NOT_REAPED(441, WARNING, "trial {0}: cannot mark it ERROR yet: {1}; trying again at the next recovery pass",
            "the trial of a recovered execution could not be marked ERROR (the spill directory, the configuration);"
            + " it is tried again every determined.batch.lease.period; until then the master shows it RUNNING"),
    TRIAL_REAP_MOOT(442, WARNING, "trial {0}: not marked ERROR: {1}",
            "the trial of a recovered execution cannot be marked ERROR: this server has no master configured; give"
            + " every server the same det.master"),
    TRIAL_NOT_RECORDED(443, SEVERE, "job {0} execution {1} cannot record its trial {2} in the job repository: {3}",
            "without the record a crash would leave the trial RUNNING at the master, so the execution fails before it"
            + " trains; check the job repository's database"),
    TEST_MACHINE_CONFIGURED(470, WARNING, "{0} is set: this server takes itself for the machine \"{1}\", so that"
            + " servers of other machines judge its lease by its renewals alone, never by its pid. This is for tests"
            + " only; never set it in production",
            "a test-only setting is on; remove determined.batch.test.machine in production"),

    // 0500-0599 the HTTP API
    RESTART_REFUSED(510, INFO, "restart of job execution {0} refused (409): {1}",
            "a restart was refused because the execution still runs, or another live server runs or restarts its job"
            + " instance; the answer names the server"),
    RESTART_CLAIM_KEPT(511, WARNING, "job instance {0}: the claim of a restart JBeret refused could not be given back"
            + " ({1}); its row in DETBATCH_EXECUTION_OWNER names this server until this server''s lease ends",
            "the job repository's database failed while a refused restart gave its claim back; restarts of that job"
            + " instance are refused naming this server until it stops; check the database, then stop this server or"
            + " delete the instance's row in DETBATCH_EXECUTION_OWNER");

    private final int number;
    private final Level level;
    private final String pattern;
    private final String meaning;
    private final String message;
    private final int arguments;

    LogCode(int number, Level level, String pattern, String meaning) {
        this.number = number;
        this.level = level;
        this.pattern = pattern;
        this.meaning = meaning;
        this.message = code() + " " + pattern;
        this.arguments = new MessageFormat(pattern).getFormatsByArgumentIndex().length;
    }

    /** {@code DETBATCH-0012}. */
    public String code() {
        return String.format("DETBATCH-%04d", number);
    }

    public int number() {
        return number;
    }

    public Level level() {
        return level;
    }

    /** The message after the code, a {@link MessageFormat} pattern. */
    public String pattern() {
        return pattern;
    }

    /** What it means for an operator and what to do, one line (the README's table). */
    public String meaning() {
        return meaning;
    }

    /** How many arguments the pattern takes. */
    public int arguments() {
        return arguments;
    }

    /** The line as logged, code first. */
    public String format(Object... arguments) {
        return arguments.length == 0 ? message : MessageFormat.format(message, arguments);
    }

    /** Logs the message at its level. */
    public void log(Logger logger, Object... arguments) {
        publish(logger, level, null, arguments);
    }

    /** Logs the message at its level, with the failure's stack trace. */
    public void logThrown(Logger logger, Throwable thrown, Object... arguments) {
        publish(logger, level, thrown, arguments);
    }

    /** Logs the message at FINE: a repetition, or a case an operator need not see. */
    public void fine(Logger logger, Object... arguments) {
        publish(logger, Level.FINE, null, arguments);
    }

    private void publish(Logger logger, Level at, Throwable thrown, Object[] arguments) {
        assert arguments.length == this.arguments : code() + " takes " + this.arguments + " arguments, got "
                + arguments.length;
        if (!logger.isLoggable(at)) {
            return;
        }
        LogRecord record = new LogRecord(at, message);
        record.setLoggerName(logger.getName());
        record.setParameters(arguments.length == 0 ? null : arguments);
        record.setThrown(thrown);
        StackWalker.getInstance().walk(frames -> frames.filter(f -> !f.getClassName().equals(LogCode.class.getName()))
                .findFirst()).ifPresent(caller -> {
                    record.setSourceClassName(caller.getClassName());
                    record.setSourceMethodName(caller.getMethodName());
                });
        logger.log(record);
    }
}
