package dev.determinedbatch.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** WildFly's jboss-cli against the test server's management port, as an operator would use it. */
final class JbossCli {

    private static final Pattern RESULT = Pattern.compile("\"result\" => (\\d+)L?");

    private JbossCli() {
    }

    /** Runs one operation and returns its numeric result (e.g. a job execution id). */
    static long result(String operation) throws IOException, InterruptedException {
        Path cli = Path.of(System.getProperty("it.server.dir"), "bin", "jboss-cli.sh");
        Process process = new ProcessBuilder(cli.toString(), "--connect",
                "--controller=127.0.0.1:" + System.getProperty("it.management.http.port"),
                "--command=" + operation).redirectErrorStream(true).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jboss-cli did not finish within 120 s: " + operation);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher result = RESULT.matcher(output);
        if (process.exitValue() != 0 || !output.contains("\"outcome\" => \"success\"") || !result.find()) {
            throw new AssertionError("jboss-cli " + operation + " answered (exit " + process.exitValue() + "): " + output);
        }
        return Long.parseLong(result.group(1));
    }
}
