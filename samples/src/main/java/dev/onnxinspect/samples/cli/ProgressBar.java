package dev.onnxinspect.samples.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long work. On a terminal it redraws in place; otherwise (CI, pipes) it
 * prints a line at most every 10% so logs stay short. Not thread-safe: call from one thread.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String task;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long done;
    private int lastDecile = -1;
    private long lastDraw;

    @SuppressWarnings("SystemConsoleNull") // right on Java 17; Console.isTerminal() (the 22+ test) does not exist yet
    ProgressBar(String task, long total) {
        this(task, total, System.err, System.console() != null);
    }

    ProgressBar(String task, long total, PrintStream out, boolean terminal) {
        this.task = task;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
    }

    void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw > 100_000_000L || done >= total) {
                lastDraw = now;
                out.print("\r" + line());
                out.flush();
            }
        } else {
            int decile = total <= 0 ? 0 : (int) Math.min(10, done * 10 / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line());
            }
        }
    }

    private String line() {
        double frac = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        double secs = (System.nanoTime() - started) / 1e9;
        return String.format(
                Locale.ROOT,
                "%-28s [%s%s] %3.0f%% %,d/%,d  %.1fs",
                task,
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                frac * 100,
                done,
                total,
                secs);
    }

    @Override
    public void close() {
        if (terminal) {
            out.println();
        }
    }
}
