package dev.determinedbatch.client;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import java.util.List;
import java.util.Map;

/** What the stand-in holds and took, as short labels that an order assertion can compare. */
final class DeliveredReports {

    private DeliveredReports() {
    }

    /** The trial's metric rows, in the order the master stored them: {@code "training 5 (run 1)"}. */
    static List<String> rows(StandInMaster master, long trialId) {
        return master.state().metrics(trialId).stream().map(DeliveredReports::label).toList();
    }

    static String label(MetricReport row) {
        return row.group() + " " + row.stepsCompleted() + " (run " + row.trialRunId() + ")";
    }

    /**
     * The metric and checkpoint posts the master took (answered 200), in arrival order:
     * {@code "training 5 (run 1)"}, {@code "checkpoint <uuid>"}.
     */
    @SuppressWarnings("unchecked")
    static List<String> taken(StandInMaster master) {
        return master.requests().stream().filter(r -> r.status() == 200 && r.method().equals("POST"))
                .filter(r -> r.path().endsWith("/metrics") || r.path().equals("/api/v1/checkpoints"))
                .map(r -> {
                    Map<String, Object> body = JsonText.readJsonObject(r.body());
                    if (r.path().equals("/api/v1/checkpoints")) {
                        return "checkpoint " + body.get("uuid");
                    }
                    Map<String, Object> metrics = (Map<String, Object>) body.get("metrics");
                    return body.get("group") + " " + Long.parseLong(String.valueOf(metrics.get("stepsCompleted")))
                            + " (run " + metrics.get("trialRunId") + ")";
                }).toList();
    }

    /** Where in the request log the last request matching {@code path} and {@code method} is. */
    static int lastIndex(StandInMaster master, String method, String pathRegex) {
        List<RecordedRequest> requests = master.requests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).method().equals(method) && requests.get(i).path().matches(pathRegex)) {
                return i;
            }
        }
        return -1;
    }
}
