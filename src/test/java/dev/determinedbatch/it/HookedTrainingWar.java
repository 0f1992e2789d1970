package dev.determinedbatch.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The application's WAR as the build made it, plus job {@code train-hooked} ({@link TrainingHooks})
 * and the server's job operator as a test reads it ({@link JobOperatorView}).
 */
final class HookedTrainingWar {

    private HookedTrainingWar() {
    }

    static WebArchive create() {
        return ShrinkWrap.create(ZipImporter.class, "determined-batch.war")
                .importFrom(new File("target/determined-batch.war")).as(WebArchive.class)
                .addClass(TrainingHooks.class)
                .addClasses(JobOperatorView.class, JobOperatorView.App.class)
                .addAsResource("it/train-hooked.xml", "META-INF/batch-jobs/train-hooked.xml");
    }
}
