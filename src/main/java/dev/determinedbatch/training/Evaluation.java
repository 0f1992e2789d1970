package dev.determinedbatch.training;

/**
 * A full pass over a data set without training.
 *
 * @param loss     mean cross-entropy
 * @param accuracy share of rows classified right
 */
public record Evaluation(float loss, float accuracy) {
}
