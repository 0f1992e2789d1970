package dev.determinedbatch.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StandInMasterMainTests {

    @Test
    void printsTheOneLineAUserWaitsFor() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StandInMaster master = StandInMasterMain.start(0, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Determined master stand-in listening on "
                    + master.url() + " (user determined, empty password)" + System.lineSeparator());
            MasterCalls calls = new MasterCalls(master.url(), null);
            calls.login("determined", "").assertOk();
            assertThat(calls.get("/api/v1/master").assertOk().body()).containsEntry("version", "0.38.1");
        }
    }
}
