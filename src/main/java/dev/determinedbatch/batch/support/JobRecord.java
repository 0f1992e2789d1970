package dev.determinedbatch.batch.support;

/** Which job execution did something: recorded in every checkpoint it stores. */
public record JobRecord(String jobName, long instanceId, long executionId) {
}
