package dev.onnxinspect.samples.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress display on stderr for one pass of long work. On a terminal it redraws one line in place (at
 * most ten times a second); otherwise (CI, pipes, log files) it prints a line when at least
 * {@value #LINE_EVERY_SECONDS} seconds have passed since the last one, and a last line when the pass ends, so a log
 * gets a line every few seconds however many batches there are. Not thread-safe: call from one thread.
 */
final class ProgressBar implements AutoCloseable {
    /** Seconds between two lines when stderr is not a terminal. */
    static final int LINE_EVERY_SECONDS = 5;

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private final String task;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long started;
    private long done;
    private long lastDraw;
    private boolean drawnSinceStep;
    private boolean closed;

    @SuppressWarnings("SystemConsoleNull") // right on Java 17; Console.isTerminal() (the 22+ test) does not exist yet
    ProgressBar(String task, long total) {
        this(task, total, System.err, System.console() != null, System::nanoTime);
    }

    /**
     * @param clock nanoseconds, as {@link System#nanoTime}
     */
    ProgressBar(String task, long total, PrintStream out, boolean terminal, LongSupplier clock) {
        this.task = task;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.lastDraw = started;
    }

    void step(long n) {
        done += n;
        long now = clock.getAsLong();
        drawnSinceStep = false;
        if (terminal) {
            if (now - lastDraw > REDRAW_NANOS || (total > 0 && done >= total)) {
                lastDraw = now;
                out.print("\r" + line(now));
                out.flush();
                drawnSinceStep = true;
            }
        } else if (now - lastDraw >= LINE_EVERY_SECONDS * 1_000_000_000L && (total <= 0 || done < total)) {
            lastDraw = now;
            out.println(line(now));
            drawnSinceStep = true;
        }
    }

    private String line(long now) {
        double frac = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        double secs = (now - started) / 1e9;
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

    /** Ends the display: the final state on a line of its own (once; later calls do nothing). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (terminal) {
            if (!drawnSinceStep) {
                out.print("\r" + line(clock.getAsLong()));
            }
            out.println();
        } else {
            out.println(line(clock.getAsLong()));
        }
        out.flush();
    }
}
