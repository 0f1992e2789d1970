package dev.determinedbatch.bench;

import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingParameters;
import dev.determinedbatch.training.TrainingRun;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The plot {@code docs/steps-per-second.png}: steps per second over time of the sample model's
 * training in this JVM, without checkpoints and with one every 20 steps (the whole state stored as
 * our checkpoint on the training thread, as P2 stores it), each in windows of 100 ms.
 */
public final class StepsPerSecondPlot {

    static final String FILE = "steps-per-second.png";
    private static final double WINDOW_SECONDS = 0.1;
    private static final int WIDTH = 900;
    private static final int HEIGHT = 450;
    private static final int MARGIN = 60;

    /** The plot alone, with the benchmark's options (bench.quick, bench.work, bench.docs). */
    public static void main(String[] args) throws IOException {
        new StepsPerSecondPlot().draw(BenchmarkOptions.fromSystemProperties());
    }

    /** Trains twice, draws, writes the image; no table rows of its own. */
    List<BenchmarkRow> draw(BenchmarkOptions options) throws IOException {
        DigitsDataset.Split data = DigitsDataset.loadBundled().split();
        TrainingParameters defaults = TrainingParameters.defaults();
        TrainingParameters parameters = new TrainingParameters(defaults.seed(), options.pick(60, 30),
                defaults.batchSize(), defaults.learningRate(), defaults.momentum(), defaults.hiddenUnits());
        Path work = Files.createDirectories(options.work().resolve("plot"));
        try {
            steps(parameters, data, null); // warm-up
            long[] plain = steps(parameters, data, null);
            CheckpointStorage storage = FileSystemStorages.open(work.resolve("checkpoints").toString());
            long[] checkpointed = steps(parameters, data, storage);
            Files.createDirectories(options.docs());
            Path image = options.docs().resolve(FILE);
            ImageIO.write(plot(rates(plain), rates(checkpointed), parameters), "png", image.toFile());
            System.out.printf(Locale.ROOT, "plot %s: %d steps in %.2f s without checkpoints, %.2f s with one every %d%n",
                    image, plain.length, plain[plain.length - 1] / 1e9, checkpointed[checkpointed.length - 1] / 1e9,
                    TrainingStepsFigure.CHECKPOINT_EVERY_STEPS);
            return List.of();
        } finally {
            Trees.delete(work);
        }
    }

    /** Nanoseconds from the start at which each step ended; a checkpoint after every 20th when storage is given. */
    private static long[] steps(TrainingParameters parameters, DigitsDataset.Split data, CheckpointStorage storage)
            throws IOException {
        TrainingRun run = TrainingRun.start(parameters, data);
        long[] ends = new long[(int) run.totalSteps()];
        long start = System.nanoTime();
        for (int i = 0; i < ends.length; i++) {
            run.step();
            if (storage != null && run.stepsCompleted() % TrainingStepsFigure.CHECKPOINT_EVERY_STEPS == 0) {
                storage.delete(StateSizes.store(storage, run.state()).uuid());
            }
            ends[i] = System.nanoTime() - start;
        }
        return ends;
    }

    /** Steps per second in each window. */
    static double[] rates(long[] ends) {
        // whole windows only: a last, partial one would show a drop that is not there
        int windows = (int) Math.floor(ends[ends.length - 1] / 1e9 / WINDOW_SECONDS);
        double[] rates = new double[Math.max(1, windows)];
        for (long end : ends) {
            int window = (int) (end / 1e9 / WINDOW_SECONDS);
            if (window < rates.length) {
                rates[window] += 1 / WINDOW_SECONDS;
            }
        }
        return rates;
    }

    private static BufferedImage plot(double[] plain, double[] checkpointed, TrainingParameters parameters) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double maxSeconds = Math.max(plain.length, checkpointed.length) * WINDOW_SECONDS;
        double maxRate = niceCeiling(Math.max(max(plain), max(checkpointed)));
        int plotWidth = WIDTH - 2 * MARGIN;
        int plotHeight = HEIGHT - 2 * MARGIN;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i <= 5; i++) {
            int y = HEIGHT - MARGIN - plotHeight * i / 5;
            g.drawLine(MARGIN, y, WIDTH - MARGIN, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f", maxRate * i / 5), 5, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i <= 10; i++) {
            int x = MARGIN + plotWidth * i / 10;
            g.drawString(String.format(Locale.ROOT, maxSeconds < 2 ? "%.2f" : "%.1f", maxSeconds * i / 10), x - 8,
                    HEIGHT - MARGIN + 18);
        }
        g.drawLine(MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN);
        g.drawLine(MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN);
        g.drawString("seconds", WIDTH / 2 - 20, HEIGHT - 15);
        g.drawString("steps/s (100 ms windows)", 5, MARGIN - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(String.format(Locale.ROOT, "Sample model training (hidden %d, batch %d) in one JVM: steps/s over time",
                parameters.hiddenUnits(), parameters.batchSize()), MARGIN, 25);
        line(g, plain, maxSeconds, maxRate, new Color(0x1f77b4));
        line(g, checkpointed, maxSeconds, maxRate, new Color(0xd62728));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        legend(g, 0, new Color(0x1f77b4), "no checkpoints");
        legend(g, 1, new Color(0xd62728), "a checkpoint every " + TrainingStepsFigure.CHECKPOINT_EVERY_STEPS
                + " steps (stored and synced on the training thread)");
        g.dispose();
        return image;
    }

    private static void line(Graphics2D g, double[] rates, double maxSeconds, double maxRate, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.8f));
        int plotWidth = WIDTH - 2 * MARGIN;
        int plotHeight = HEIGHT - 2 * MARGIN;
        for (int i = 1; i < rates.length; i++) {
            int x0 = MARGIN + (int) (plotWidth * ((i - 0.5) * WINDOW_SECONDS) / maxSeconds);
            int x1 = MARGIN + (int) (plotWidth * ((i + 0.5) * WINDOW_SECONDS) / maxSeconds);
            int y0 = HEIGHT - MARGIN - (int) (plotHeight * rates[i - 1] / maxRate);
            int y1 = HEIGHT - MARGIN - (int) (plotHeight * rates[i] / maxRate);
            g.drawLine(x0, y0, x1, y1);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, int row, Color color, String text) {
        int y = MARGIN + 15 + row * 18;
        g.setColor(color);
        g.fillRect(WIDTH - MARGIN - 500, y - 9, 20, 4);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, WIDTH - MARGIN - 475, y - 3);
    }

    private static double max(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(value, 1))));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }
}
