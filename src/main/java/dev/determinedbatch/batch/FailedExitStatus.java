package dev.determinedbatch.batch;

/**
 * The exit status of a failed execution: {@code FAILED: <why>}, so that the REST API and
 * jboss-cli show the reason, not only the log. Cut to JBeret's EXITSTATUS column (VARCHAR(512)):
 * a longer one would fail the repository update and lose the status altogether.
 */
final class FailedExitStatus {

    static final int MAX_LENGTH = 512;
    private static final String CUT = " ...";

    private FailedExitStatus() {
    }

    static String of(Throwable failure) {
        String why = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
        String status = "FAILED: " + why;
        return status.length() <= MAX_LENGTH ? status : status.substring(0, MAX_LENGTH - CUT.length()) + CUT;
    }
}
