package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths of the API are jberet-rest's scheduling, answered 501 (see BatchClientIT for the answer itself). */
class SchedulesNotOfferedTests {

    @Test
    void everyPathOfJberetRestsSchedulingIsOne() {
        for (String path : new String[] {"/schedules", "schedules", "/schedules/", "/schedules/3",
                "/schedules/features", "/schedules/timezones", "/schedules/3/cancel", "/jobs/train/schedule",
                "/jobs/train/schedule/", "/jobexecutions/12/schedule"}) {
            assertThat(SchedulesNotOffered.isSchedulePath(path)).as(path).isTrue();
        }
    }

    @Test
    void noOtherPathIs() {
        for (String path : new String[] {"/jobs", "/jobs/train/start", "/jobs/schedule/start", "/jobs/schedules",
                "/jobexecutions/12", "/jobexecutions/12/restart", "/jobexecutions/running", "/jobinstances",
                "/training/12", "/schedulesx", "/jobs/train/schedule/x", "/jobs/a/b/schedule"}) {
            assertThat(SchedulesNotOffered.isSchedulePath(path)).as(path).isFalse();
        }
    }

    @Test
    void theMessageNamesWhatIsNotOfferedAndWhatToUseInstead() {
        assertThat(SchedulesNotOffered.MESSAGE).contains("job schedules are not supported", "/api/schedules",
                "POST /api/jobs/{jobXmlName}/schedule", "POST /api/jobs/{jobXmlName}/start", "cron", "systemd timer");
    }
}
