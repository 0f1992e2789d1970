package dev.determinedbatch.api;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Job parameters as JBeret's JDBC job repository keeps them: one column
 * {@code JOB_EXECUTION.JOBPARAMETERS VARCHAR(3000)} (JBeret's DDL, every database), holding one
 * line {@code name = value} per parameter ({@code BatchUtil.propertiesToString}), read back by
 * splitting at line breaks and at the first {@code " = "} ({@code stringToProperties}).
 * Parameters that would not fit, or not read back as they were given, are refused before JBeret
 * creates a job instance: otherwise the INSERT of the execution fails after that of the instance
 * ({@code JBERET000626}), or a restart runs with other values than those shown.
 */
final class StoredJobParameters {

    /** Characters of {@code JOB_EXECUTION.JOBPARAMETERS}. */
    static final int LIMIT = 3000;

    /** The job parameter in which JBeret keeps the job XML's file name ({@code Job.JOB_XML_NAME}). */
    static final String JOB_XML_NAME = "jberet.jobXmlName";

    private static final String SEPARATOR = " = ";
    /** {@code BatchUtil.NL}: the server's line separator. */
    private static final String LINE_END = System.lineSeparator();

    private StoredJobParameters() {
    }

    /**
     * What JBeret stores, at most, for a start or a restart: the original execution's parameters
     * (none for a start), overridden by the query parameters, overridden by the body's, as JBeret's
     * REST resources and {@code JobOperator.restart} combine them; and {@value #JOB_XML_NAME},
     * which JBeret adds when the execution stops or fails (before it restarts it, it may drop it
     * again).
     *
     * @param jobXmlName the job XML's file name, {@code train.xml}, as the original execution
     *                   holds it or WildFly names it; null when unknown (a job definition sent
     *                   with the request has none)
     */
    static Map<String, String> stored(Properties original, Map<String, String> query, Map<String, String> body,
                                      String jobXmlName) {
        Map<String, String> stored = new LinkedHashMap<>();
        for (String name : original.stringPropertyNames()) {
            stored.put(name, original.getProperty(name));
        }
        stored.putAll(query);
        stored.putAll(body);
        if (jobXmlName != null) {
            stored.put(JOB_XML_NAME, jobXmlName);
        }
        return stored;
    }

    /** Refuses a parameter of the request whose name or value would not read back as given. */
    static void checkReadsBack(Map<String, String> given) {
        for (Map.Entry<String, String> parameter : given.entrySet()) {
            String name = parameter.getKey();
            if (name.isEmpty()) {
                throw JobParametersRefused.badRequest("a job parameter name must not be empty");
            }
            if (hasLineBreak(name) || hasLineBreak(parameter.getValue())) {
                throw JobParametersRefused.badRequest("job parameter '" + name + "' contains a line break,"
                        + " which JBeret's job repository cannot keep: it stores one parameter a line");
            }
            if (name.contains(SEPARATOR)) {
                throw JobParametersRefused.badRequest("job parameter name '" + name + "' contains '" + SEPARATOR
                        + "', which JBeret's job repository puts between a name and its value");
            }
        }
    }

    /**
     * Refuses parameters whose stored form ({@link #stored}) exceeds {@link #LIMIT}.
     *
     * @param whose what the parameters are, for the message: "job parameters", "the restart's job
     *              parameters (the original execution's with these)"
     */
    static void checkFits(Map<String, String> stored, String whose) {
        int length = length(stored);
        if (length > LIMIT) {
            Map.Entry<String, String> longest = stored.entrySet().stream()
                    .max(Comparator.comparingInt(e -> e.getKey().length() + e.getValue().length())).orElseThrow();
            throw JobParametersRefused.badRequest(whose + " would take " + length + " characters in JBeret's job"
                    + " repository, more than its " + LIMIT + " (JOB_EXECUTION.JOBPARAMETERS"
                    + (stored.containsKey(JOB_XML_NAME) ? ", with the " + JOB_XML_NAME + " that JBeret adds" : "")
                    + "); the longest is '" + longest.getKey() + "' with a value of " + longest.getValue().length()
                    + " characters");
        }
    }

    /** Characters of the stored form: {@code name = value} and a line end, for each parameter. */
    static int length(Map<String, String> stored) {
        int length = 0;
        for (Map.Entry<String, String> parameter : stored.entrySet()) {
            length += parameter.getKey().length() + SEPARATOR.length() + parameter.getValue().length()
                    + LINE_END.length();
        }
        return length;
    }

    private static boolean hasLineBreak(String text) {
        return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    }
}
