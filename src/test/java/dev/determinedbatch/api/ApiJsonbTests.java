package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.jberet.rest.entity.JobExecutionEntity;
import org.junit.jupiter.api.Test;

/**
 * The API's dates, written by the server's JSON-B (Yasson, as in WildFly) with {@link ApiJsonb},
 * read back to the millisecond by both bindings a client of jberet-rest may use: Jackson and
 * JSON-B's defaults. (JSON-B's own form, with the zone id, Jackson does not read.)
 */
class ApiJsonbTests {

    private static final Instant CREATED = Instant.parse("2026-12-04T14:37:52.553Z");

    @Test
    void datesAreIso8601InUtcWithMillisecondsAndBothBindingsReadThemBack() throws Exception {
        JobExecutionEntity execution = execution();

        String json = new ApiJsonb().getContext(JobExecutionEntity.class).toJson(execution);

        assertThat(json).contains("\"createTime\":\"2026-12-04T14:37:52.553Z\"",
                "\"startTime\":\"2026-12-04T14:37:53.000Z\"", "\"lastUpdatedTime\":\"2026-12-04T14:37:54.001Z\"",
                "\"jobParameters\":{\"epochs\":\"1\"}");
        for (JobExecutionEntity read : new JobExecutionEntity[] {
                new ObjectMapper().readValue(json, JobExecutionEntity.class),
                defaultJsonb().fromJson(json, JobExecutionEntity.class)}) {
            assertThat(read.getCreateTime().getTime()).isEqualTo(execution.getCreateTime().getTime());
            assertThat(read.getStartTime().getTime()).isEqualTo(execution.getStartTime().getTime());
            assertThat(read.getLastUpdatedTime().getTime()).isEqualTo(execution.getLastUpdatedTime().getTime());
            assertThat(read.getEndTime()).isNull();
            assertThat(read.getBatchStatus()).isEqualTo(BatchStatus.STARTED);
            assertThat(read.getJobParameters()).containsEntry("epochs", "1");
        }
    }

    @Test
    void jobParametersAreEveryStringPropertyDefaultsIncludedAsJBeretStoresThem() {
        Properties original = new Properties();
        original.setProperty("epochs", "30");
        original.setProperty("seed", "7");
        Properties restart = new Properties(original); // how JBeret holds a restart's parameters
        restart.setProperty("epochs", "40");
        restart.put("ignored", 1); // no string: JBeret neither stores nor passes it on
        JobExecutionEntity execution = execution();
        execution.setJobParameters(restart);

        assertThat(new ApiJsonb().getContext(JobExecutionEntity.class).toJson(execution))
                .contains("\"jobParameters\":{\"epochs\":\"40\",\"seed\":\"7\"}");
        assertThat(defaultJsonb().toJson(execution)).doesNotContain("\"seed\"");
    }

    @Test
    void jsonbsDefaultDateIsOneJacksonCannotRead() throws Exception {
        String json = defaultJsonb().toJson(execution());

        assertThat(json).contains("\"createTime\":\"2026-12-04T14:37:52.553Z[UTC]\"");
        assertThatThrownBy(() -> new ObjectMapper().readValue(json, JobExecutionEntity.class))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("Cannot deserialize value of type `java.util.Date` from String")
                .hasMessageContaining("Z[UTC]\"");
    }

    /** An execution as JBeret's JDBC repository gives it: its times are {@link Timestamp}s. */
    private static JobExecutionEntity execution() {
        JobExecutionEntity execution = new JobExecutionEntity();
        execution.setExecutionId(7);
        execution.setJobName("train");
        execution.setCreateTime(Date.from(CREATED));
        execution.setStartTime(Timestamp.from(CREATED.plusMillis(447)));
        execution.setLastUpdatedTime(Timestamp.from(CREATED.plusMillis(1448).plusNanos(123_456)));
        execution.setBatchStatus(BatchStatus.STARTED);
        Properties parameters = new Properties();
        parameters.setProperty("epochs", "1");
        execution.setJobParameters(parameters);
        return execution;
    }

    private static Jsonb defaultJsonb() {
        return JsonbBuilder.create();
    }
}
