package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths of the API take a job definition to run, answered 501 (see JobParametersIT for the answer itself). */
class SubmittedJobsRefusedTests {

    @Test
    void jberetRestsSubmitAndResubmitAreRefused() {
        for (String path : new String[] {"/jobs/submit", "jobs/submit", "/jobs/submit/", "/jobexecutions/12/resubmit",
                "jobexecutions/12/resubmit/"}) {
            assertThat(SubmittedJobsRefused.isSubmitPath(path)).as(path).isTrue();
        }
    }

    @Test
    void startsRestartsAndReadsAreNot() {
        for (String path : new String[] {"/jobs", "/jobs/train/start", "/jobs/submit/start", "/jobs/train/restart",
                "/jobexecutions/12", "/jobexecutions/12/restart", "/jobexecutions/resubmit", "/jobinstances",
                "/training/12", "/jobs/submitx"}) {
            assertThat(SubmittedJobsRefused.isSubmitPath(path)).as(path).isFalse();
        }
    }

    @Test
    void theMessageNamesWhatIsNotOfferedAndWhatToUseInstead() {
        assertThat(SubmittedJobsRefused.MESSAGE).contains("POST /api/jobs/submit",
                "POST /api/jobexecutions/{jobExecutionId}/resubmit", "POST /api/jobs/{jobXmlName}/start");
    }
}
