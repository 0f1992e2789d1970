package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import dev.determinedbatch.batch.TrainingStatus;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.Metric;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyVisibilityStrategy;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jberet.rest.entity.JobEntity;
import org.jberet.rest.entity.JobExecutionEntity;
import org.jberet.rest.entity.JobInstanceEntity;
import org.jberet.rest.entity.MetricEntity;
import org.jberet.rest.entity.StepExecutionEntity;
import org.junit.jupiter.api.Test;

/**
 * The API's answers, written by the server's JSON-B (Yasson, as in WildFly) with {@link ApiJsonb}:
 * dates read back to the millisecond by both bindings a client of jberet-rest may use, Jackson and
 * JSON-B (JSON-B's own form, with the zone id, Jackson does not read); JBeret's entities written by
 * their fields and read back whole by Jackson and by JSON-B given field access (with its defaults
 * JSON-B leaves the getter-only ones empty); everything else as JSON-B's default.
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

    @Test
    void jberetEntitiesAreWrittenByTheirFieldsWithoutTheXmlTransientOnes() {
        Jsonb api = new ApiJsonb().getContext(Object.class);

        assertThat(api.toJson(execution())).doesNotContain("stepExecutions");
        assertThat(defaultJsonb().toJson(execution())).contains("\"stepExecutions\":[]"); // always empty there
        assertThat(api.toJson(new JobEntity[] {new JobEntity("train", 3, 1)}))
                .isEqualTo("[{\"jobName\":\"train\",\"numberOfJobInstances\":3,\"numberOfRunningJobExecutions\":1}]");
        assertThat(api.toJson(new JobInstanceEntity[] {instance()})).isEqualTo(
                "[{\"instanceId\":5,\"jobName\":\"train\",\"latestJobExecutionId\":9,\"numberOfJobExecutions\":2}]");
        assertThat(api.toJson(new StepExecutionEntity[] {step()})).isEqualTo("[{\"batchStatus\":\"COMPLETED\","
                + "\"endTime\":\"2026-12-04T14:37:55.000Z\",\"exitStatus\":\"COMPLETED\",\"startTime\":\"2026-12-04T14:37:53.000Z\","
                + "\"metrics\":[{\"type\":\"READ_COUNT\",\"value\":45},{\"type\":\"COMMIT_COUNT\",\"value\":2}],"
                + "\"stepExecutionId\":11,\"stepName\":\"training\"}]");
    }

    @Test
    void everyOtherTypeIsWrittenAsJsonbsDefaultWouldWriteIt() {
        ApiError error = new ApiError(501, "NotImplemented", "no");
        TrainingStatus status = new TrainingStatus(7, "STARTED", 3L, 12L, 45, 180L, "c0ffee",
                Map.of("loss", 0.25, "accuracy", 0.9), null);

        assertThat(new ApiJsonb().getContext(ApiError.class).toJson(error)).isEqualTo(defaultJsonb().toJson(error))
                .isEqualTo("{\"error\":\"NotImplemented\",\"message\":\"no\",\"status\":501}");
        assertThat(new ApiJsonb().getContext(TrainingStatus.class).toJson(status)).isEqualTo(defaultJsonb().toJson(status))
                .contains("\"stepsCompleted\":45", "\"latestCheckpoint\":\"c0ffee\"", "\"loss\":0.25");
    }

    @Test
    void jacksonAndJsonbWithFieldAccessReadEveryEntityBackWhole() throws Exception {
        Jsonb api = new ApiJsonb().getContext(Object.class);
        String jobs = api.toJson(new JobEntity[] {new JobEntity("train", 3, 1)});
        String instances = api.toJson(new JobInstanceEntity[] {instance()});
        String steps = api.toJson(new StepExecutionEntity[] {step()});
        String execution = api.toJson(execution());
        ObjectMapper jackson = new ObjectMapper();
        Jsonb jsonb = fieldAccessJsonb();

        for (JobEntity[] read : List.of(jackson.readValue(jobs, JobEntity[].class), jsonb.fromJson(jobs, JobEntity[].class))) {
            assertThat(read).singleElement().usingRecursiveComparison().isEqualTo(new JobEntity("train", 3, 1));
        }
        for (JobInstanceEntity[] read : List.of(jackson.readValue(instances, JobInstanceEntity[].class),
                jsonb.fromJson(instances, JobInstanceEntity[].class))) {
            assertThat(read).singleElement().usingRecursiveComparison().isEqualTo(instance());
        }
        for (StepExecutionEntity[] read : List.of(jackson.readValue(steps, StepExecutionEntity[].class),
                jsonb.fromJson(steps, StepExecutionEntity[].class))) {
            assertThat(read).singleElement().usingRecursiveComparison().withComparatorForType(ApiJsonbTests::sameMillis, Date.class)
                    .isEqualTo(step());
        }
        for (JobExecutionEntity read : List.of(jackson.readValue(execution, JobExecutionEntity.class),
                jsonb.fromJson(execution, JobExecutionEntity.class))) {
            assertThat(read).usingRecursiveComparison().withComparatorForType(ApiJsonbTests::sameMillis, Date.class)
                    .isEqualTo(execution());
        }
    }

    @Test
    void jsonbWithItsDefaultsLeavesTheGetterOnlyEntitiesEmptyWhateverTheServerWrites() {
        Jsonb api = new ApiJsonb().getContext(Object.class);

        JobEntity job = defaultJsonb().fromJson(api.toJson(new JobEntity("train", 3, 1)), JobEntity.class);
        JobInstanceEntity instance = defaultJsonb().fromJson(api.toJson(instance()), JobInstanceEntity.class);

        assertThat(job.getJobName()).isNull();
        assertThat(job.getNumberOfJobInstances()).isZero();
        assertThat(instance.getJobName()).isNull();
        assertThat(instance.getInstanceId()).isZero();
        assertThat(instance.getNumberOfJobExecutions()).isZero();
        assertThat(instance.getLatestJobExecutionId()).isZero();
    }

    /** A JSON-B client's binding as the README gives it: every instance field visible, and public methods. */
    static Jsonb fieldAccessJsonb() {
        return JsonbBuilder.create(new JsonbConfig().withPropertyVisibilityStrategy(new PropertyVisibilityStrategy() {
            @Override
            public boolean isVisible(Field field) {
                return !Modifier.isStatic(field.getModifiers());
            }

            @Override
            public boolean isVisible(Method method) {
                return Modifier.isPublic(method.getModifiers());
            }
        }));
    }

    private static int sameMillis(Date a, Date b) {
        return Long.compare(a.getTime(), b.getTime());
    }

    /** Instance 5 of job train, with executions 8 and 9. */
    private static JobInstanceEntity instance() {
        JobInstance instance = new JobInstance() {
            @Override
            public long getInstanceId() {
                return 5;
            }

            @Override
            public String getJobName() {
                return "train";
            }
        };
        JobExecutionEntity first = new JobExecutionEntity();
        first.setExecutionId(8);
        JobExecutionEntity latest = new JobExecutionEntity();
        latest.setExecutionId(9);
        return new JobInstanceEntity(instance, List.of(first, latest));
    }

    private static StepExecutionEntity step() {
        StepExecutionEntity step = new StepExecutionEntity();
        step.setStepExecutionId(11);
        step.setStepName("training");
        step.setBatchStatus(BatchStatus.COMPLETED);
        step.setExitStatus("COMPLETED");
        step.setStartTime(Timestamp.from(CREATED.plusMillis(447)));
        step.setEndTime(Timestamp.from(CREATED.plusMillis(2447)));
        step.setMetrics(new MetricEntity[] {metric(Metric.MetricType.READ_COUNT, 45), metric(Metric.MetricType.COMMIT_COUNT, 2)});
        return step;
    }

    private static MetricEntity metric(Metric.MetricType type, long value) {
        MetricEntity metric = new MetricEntity();
        metric.setType(type);
        metric.setValue(value);
        return metric;
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
