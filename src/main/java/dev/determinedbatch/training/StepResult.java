package dev.determinedbatch.training;

/**
 * What one SGD step measured, on its own mini-batch, before the update.
 *
 * @param step       steps completed including this one (1 for the first step), as Determined's
 *                   {@code steps_completed}
 * @param epoch      0-based epoch this step belongs to
 * @param loss       mean cross-entropy over the mini-batch
 * @param accuracy   share of the mini-batch classified right
 * @param endOfEpoch whether this step used the epoch's last rows
 */
public record StepResult(long step, int epoch, float loss, float accuracy, boolean endOfEpoch) {
}
