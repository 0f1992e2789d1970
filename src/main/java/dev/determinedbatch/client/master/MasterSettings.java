package dev.determinedbatch.client.master;

import java.time.Duration;

/**
 * How to reach a master: address, identity, TLS, timeouts and retries.
 *
 * @param retries        tries after the first for 502/503/504 and connection failures
 * @param initialBackoff wait before the first retry; doubles each time up to {@link #MAX_BACKOFF}, each wait
 *                       less a random share of up to a fifth ({@code time.Backoff})
 */
public record MasterSettings(MasterUrl url, Credentials credentials, MasterTls tls,
                             Duration connectTimeout, Duration readTimeout,
                             int retries, Duration initialBackoff) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    /** As Determined's client: 5 tries, backoff from 0.5 s. */
    public static final int DEFAULT_RETRIES = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    /** No wait between retries is longer, however many {@code det.master.retries} there are. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    public MasterSettings {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative, got " + retries);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("master timeouts must be positive");
        }
    }

    public static MasterSettings of(String address, Credentials credentials) {
        return new MasterSettings(MasterUrl.parse(address), credentials, MasterTls.defaults(),
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_RETRIES, DEFAULT_BACKOFF);
    }

    public MasterSettings withTls(MasterTls tls) {
        return new MasterSettings(url, credentials, tls, connectTimeout, readTimeout, retries, initialBackoff);
    }

    public MasterSettings withTimeouts(Duration connect, Duration read) {
        return new MasterSettings(url, credentials, tls, connect, read, retries, initialBackoff);
    }

    public MasterSettings withRetries(int retries, Duration initialBackoff) {
        return new MasterSettings(url, credentials, tls, connectTimeout, readTimeout, retries, initialBackoff);
    }
}
