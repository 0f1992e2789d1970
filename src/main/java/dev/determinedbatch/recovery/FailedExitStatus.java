package dev.determinedbatch.recovery;

/**
 * The exit status of a failed execution: {@code FAILED: <why>}, so that the REST API and
 * jboss-cli show the reason, not only the log. Cut to JBeret's EXITSTATUS column (VARCHAR(512)):
 * a longer one would fail the repository update and lose the status altogether.
 */
public final class FailedExitStatus {

    public static final int MAX_LENGTH = 512;
    private static final String CUT = " ...";

    private FailedExitStatus() {
    }

    /** {@code FAILED: } and the failure's message (its class when it has none), fitted. */
    public static String of(Throwable failure) {
        String why = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
        return fit("FAILED: " + why);
    }

    /** {@code status} as it fits the column: cut, and marked as cut, when longer. */
    public static String fit(String status) {
        return status.length() <= MAX_LENGTH ? status : status.substring(0, MAX_LENGTH - CUT.length()) + CUT;
    }
}
