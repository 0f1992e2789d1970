package dev.determinedbatch.it;

import jakarta.batch.api.AbstractBatchlet;

/** The smallest step that completes: the integration tests are about the server, not the job. */
public class SmokeBatchlet extends AbstractBatchlet {

    static final String EXIT_STATUS = "SMOKE-OK";

    @Override
    public String process() {
        return EXIT_STATUS;
    }
}
