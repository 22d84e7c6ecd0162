package dev.onnxinspect.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads on one guard get exactly the verdicts one thread gets (SPEC §5: scoring is safe from many threads). */
class OodGuardConcurrencyTest {
    private static final int THREADS = 8;
    private static final int INPUTS = 10_000;

    @TempDir
    Path dir;

    @Test
    void eightThreadsScoreExactlyAsOne() throws Exception {
        Path model = GuardModels.identity(dir, "identity.onnx", 1f);
        Random random = new Random(42);
        float[][] inputs = new float[INPUTS][];
        for (int i = 0; i < INPUTS; i++) {
            // ID-like points near the grid and OOD-like points far from it, negative values included
            double spread = i % 3 == 0 ? 8 : 1.5;
            inputs[i] = new float[] {
                (float) (1.5 + spread * random.nextGaussian()), (float) (1.5 + spread * random.nextGaussian())
            };
        }
        try (OodGuard guard = OodGuard.fit(
                model,
                GuardModels.fitSet(),
                GuardOptions.builder()
                        .calibration(GuardModels.rampCalibration())
                        .build())) {
            List<Verdict> expected = new ArrayList<>();
            for (float[] x : inputs) {
                expected.add(guard.score(x));
            }
            assertThat(expected.stream().filter(Verdict::ood).count()).isBetween(1L, INPUTS - 1L);
            Verdict[] got = new Verdict[INPUTS];
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int first = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        // interleaved: thread t scores inputs t, t + 8, t + 16, ...
                        for (int i = first; i < INPUTS; i += THREADS) {
                            got[i] = guard.score(inputs[i]);
                        }
                        return null;
                    }));
                }
                start.countDown();
                assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                    for (Future<?> f : futures) {
                        f.get();
                    }
                });
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < INPUTS; i++) {
                assertThat(got[i]).as("input %d", i).isEqualTo(expected.get(i));
            }
        }
    }
}
