package dev.determinedbatch.client.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialsTests {

    @Test
    void hashesThePasswordAsDeterminedsClient() {
        // golden/login.jsonl: user determined, password secretPW1
        assertThat(Credentials.password("determined", "secretPW1").hashedPassword()).isEqualTo(
                "744bb6b47275c614f310931ae62bb3830f0cb4e50ba79593bbd116ad3fb99f33"
                        + "46496cad47a604da1969f843e4b2d241b1df09e1fba058bb2129be8a0ae106e4");
        assertThat(Credentials.password("determined", "").hashedPassword()).isEmpty();
    }

    @Test
    void resolvesLikeDetermined() {
        Credentials token = Credentials.resolve(Optional.of("ann"), Optional.of("pw"), Optional.of("tok"));
        assertThat(token.token()).contains("tok");
        assertThat(token.canLogIn()).isFalse();
        Credentials password = Credentials.resolve(Optional.of("ann"), Optional.of("pw"), Optional.empty());
        assertThat(password.username()).isEqualTo("ann");
        assertThat(password.canLogIn()).isTrue();
        Credentials fallback = Credentials.resolve(Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(fallback.username()).isEqualTo("determined");
        assertThat(fallback.hashedPassword()).isEmpty();
        assertThat(fallback.fallbackReason()).isEmpty();
        Credentials emptyPassword = Credentials.resolve(Optional.of("admin"), Optional.of(""), Optional.empty());
        assertThat(emptyPassword.username()).isEqualTo("admin");
        assertThat(emptyPassword.canLogIn()).isTrue();
        assertThat(emptyPassword.hashedPassword()).isEmpty();
        assertThat(emptyPassword.fallbackReason()).isEmpty();
        Credentials userAlone = Credentials.resolve(Optional.of("ann"), Optional.empty(), Optional.empty());
        assertThat(userAlone.username()).isEqualTo("determined");
        assertThat(userAlone.hashedPassword()).isEmpty();
        assertThat(userAlone.fallbackReason()).get().asString().contains("'ann'", "DET_PASS");
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(Credentials.password("ann", "s3cret!").toString()).doesNotContain("s3cret!").contains("ann");
        assertThat(Credentials.token("ann", "v2.tok.abc").toString()).doesNotContain("v2.tok.abc");
    }
}
