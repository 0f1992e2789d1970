package dev.determinedbatch.it;

import dev.determinedbatch.standin.StandInMaster;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Arquillian ITs of the training job share: the application with the hooked job
 * ({@link HookedTrainingWar}) deployed in the test server, whose {@code base} URL they drive, and
 * the master stand-in that server reports to ({@link ItMaster}), one per test class.
 */
@ExtendWith(ArquillianExtension.class)
abstract class OnTestServer {

    static StandInMaster master;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return HookedTrainingWar.create();
    }

    @BeforeAll
    static void startMaster() {
        master = ItMaster.start();
    }

    @AfterAll
    static void stopMaster() {
        master.close();
    }
}
