package dev.onnxinspect.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress display prints a line every few seconds to a log, never one per batch. */
class ProgressBarTest {
    private static final long MS = 1_000_000L;

    @Test
    void aLogGetsALineEveryFiveSecondsAndOneAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong(1_000 * MS);
        try (ProgressBar bar = new ProgressBar(
                "inspect x", 1000, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get)) {
            // 1000 batches of one sample, 12 ms each: 12 s in all; lines at 5 s and 10 s, then the last one at close
            for (int i = 0; i < 1000; i++) {
                clock.addAndGet(12 * MS);
                bar.step(1);
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3).doesNotHaveDuplicates();
        // 5 s / 12 ms = 416.7, so the first line comes after batch 417 (5.004 s); the second after 834 (10.008 s)
        assertThat(lines.get(0)).contains(" 417/1,000", "5.0s");
        assertThat(lines.get(1)).contains(" 834/1,000", "10.0s");
        assertThat(lines.get(2)).contains("100%", "1,000/1,000", "12.0s");
    }

    @Test
    void aShortPassPrintsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar =
                new ProgressBar("fit", 10, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, clock::get);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(100 * MS);
            bar.step(1);
        }
        bar.close();
        bar.close();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("fit                          [##############################] 100% 10/10  1.0s");
    }

    @Test
    void aTerminalRedrawsOneLineInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        try (ProgressBar bar =
                new ProgressBar("fit", 100, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock::get)) {
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(50 * MS);
                bar.step(1);
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        // one line in all (redrawn with carriage returns every 100 ms and at the end), ended by one newline
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1L);
        assertThat(text).endsWith("100% 100/100  5.0s" + System.lineSeparator());
        // a redraw when more than 100 ms have passed: every third 50 ms step (steps 3, 6, ..., 99: 33 redraws), and
        // the final state at step 100
        assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(34L);
    }
}
