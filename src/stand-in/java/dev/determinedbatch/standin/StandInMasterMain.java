package dev.determinedbatch.standin;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the stand-in until killed: {@code mvn -q exec:java@stand-in-master -Dstandin.port=18080}
 * (after {@code mvn -q test-compile}).
 */
public final class StandInMasterMain {

    private StandInMasterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandInMaster master = start(Integer.getInteger("standin.port", 8080), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(master::close));
        new CountDownLatch(1).await();
    }

    /** Starts on the port and prints the one line a user waits for. */
    static StandInMaster start(int port, PrintStream out) {
        StandInMaster master = StandInMaster.start(port);
        out.println("Determined master stand-in listening on " + master.url()
                + " (user determined, empty password)");
        out.flush();
        return master;
    }
}
