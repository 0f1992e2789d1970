/**
 * A Determined master stand-in for tests and benchmarks: the detached-mode API of master 0.38.1
 * (see {@code src/test/resources/protocol/PROTOCOL.md}) on loopback, in memory. Its own source
 * root, {@code src/stand-in/java}, compiled with the tests; its tests are in {@code src/test/java}.
 *
 * <ul>
 *   <li>{@link dev.determinedbatch.standin.StandInMaster}: lifecycle, routing, the request log;
 *       HTTP or HTTPS.</li>
 *   <li>{@link dev.determinedbatch.standin.MasterState}: what the master knows, as snapshots
 *       ({@link dev.determinedbatch.standin.Experiment}, {@link dev.determinedbatch.standin.Trial},
 *       {@link dev.determinedbatch.standin.MetricReport}, {@link dev.determinedbatch.standin.Checkpoint}).</li>
 *   <li>{@link dev.determinedbatch.standin.Faults}: failures, outages, refused connections,
 *       delays and token expiry on demand.</li>
 *   <li>{@link dev.determinedbatch.standin.SelfSignedCertificate}: a server certificate made with
 *       {@code keytool}, for HTTPS and the client's {@code DET_MASTER_CERT_FILE}.</li>
 *   <li>{@link dev.determinedbatch.standin.StandInMasterMain}: the same, standalone.</li>
 * </ul>
 */
package dev.determinedbatch.standin;
