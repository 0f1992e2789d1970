/**
 * How a trial's reports (metrics, progress, checkpoint reports and, after a close in an outage,
 * the final state) reach the master: in the order they were made, never making the training
 * thread wait. {@link dev.determinedbatch.client.delivery.ReportQueue} holds them, in memory and
 * in the trial's {@link dev.determinedbatch.client.delivery.ReportSpill} file, one
 * {@link dev.determinedbatch.client.delivery.ReportLines JSON line} each;
 * {@link dev.determinedbatch.client.delivery.ReportSender} sends them on a thread of its own;
 * {@link dev.determinedbatch.client.delivery.LeftoverReports} delivers what a closed session left,
 * under a {@link dev.determinedbatch.client.delivery.SpillClaim} on the file.
 *
 * <p>Not API: public only for {@code dev.determinedbatch.client}, whose {@code TrialSession},
 * {@code Metrics}, {@code Checkpoints} and {@code LeftoverCourier} are what users call. It knows
 * the client's values and back ends ({@code client.core}), never the session above it.
 */
package dev.determinedbatch.client.delivery;
