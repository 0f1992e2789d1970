package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.api.EndpointsNotOffered.Endpoint;
import org.junit.jupiter.api.Test;

/**
 * Which paths of the API are jberet-rest's scheduling or job submission, answered 501 (see
 * BatchClientIT and JobParametersIT for the answers themselves).
 */
class EndpointsNotOfferedTests {

    @Test
    void everyPathOfJberetRestsSchedulingIsOne() {
        for (String path : new String[] {"/schedules", "schedules", "/schedules/", "/schedules/3",
                "/schedules/features", "/schedules/timezones", "/schedules/3/cancel", "/jobs/train/schedule",
                "/jobs/train/schedule/", "/jobexecutions/12/schedule"}) {
            assertThat(Endpoint.at(path)).as(path).contains(Endpoint.SCHEDULES);
        }
    }

    @Test
    void submitAndResubmitOfAJobDefinitionAreOne() {
        for (String path : new String[] {"/jobs/submit", "jobs/submit", "/jobs/submit/", "/jobexecutions/12/resubmit",
                "jobexecutions/12/resubmit/"}) {
            assertThat(Endpoint.at(path)).as(path).contains(Endpoint.SUBMITTED_JOBS);
        }
    }

    @Test
    void noOtherPathIs() {
        for (String path : new String[] {"/jobs", "/jobs/train/start", "/jobs/schedule/start", "/jobs/schedules",
                "/jobexecutions/12", "/jobexecutions/12/restart", "/jobexecutions/running", "/jobinstances",
                "/training/12", "/schedulesx", "/jobs/train/schedule/x", "/jobs/a/b/schedule", "/jobs/submit/start",
                "/jobs/train/restart", "/jobexecutions/resubmit", "/jobs/submitx"}) {
            assertThat(Endpoint.at(path)).as(path).isEmpty();
        }
    }

    @Test
    void theMessagesNameWhatIsNotOfferedAndWhatToUseInstead() {
        assertThat(Endpoint.SCHEDULES.message()).contains("job schedules are not supported", "/api/schedules",
                "POST /api/jobs/{jobXmlName}/schedule", "POST /api/jobs/{jobXmlName}/start", "cron", "systemd timer");
        assertThat(Endpoint.SUBMITTED_JOBS.message()).contains("POST /api/jobs/submit",
                "POST /api/jobexecutions/{jobExecutionId}/resubmit", "POST /api/jobs/{jobXmlName}/start");
    }
}
