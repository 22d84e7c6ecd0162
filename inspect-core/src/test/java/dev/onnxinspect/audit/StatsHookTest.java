package dev.onnxinspect.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.StatsException;
import dev.onnxinspect.stats.StatsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The audit's statistics hook, which spreads the layers of a batch over a thread pool. */
class StatsHookTest {
    private static final int SAMPLES = 4;

    /** A view of SAMPLES samples of class 0 with layer "wide" (units values each) and layer "narrow" (width). */
    private static BatchView view(int wideUnits, int narrowWidth) {
        Map<String, LayerActivations> layers = new LinkedHashMap<>();
        layers.put(
                "wide", new LayerActivations("wide", new float[SAMPLES * wideUnits], SAMPLES, new int[] {wideUnits}));
        layers.put(
                "narrow",
                new LayerActivations("narrow", new float[SAMPLES * narrowWidth], SAMPLES, new int[] {narrowWidth}));
        LayerActivations logits = new LayerActivations("logits", new float[SAMPLES * 2], SAMPLES, new int[] {2});
        Batch batch = new Batch(new float[SAMPLES], SAMPLES, new int[] {1}, new int[SAMPLES]);
        return new BatchView(batch, 0, new int[SAMPLES], ClassSource.LABEL, layers, logits, 2);
    }

    /** A pool whose every second task waits 300 ms before it runs, and which remembers every task. */
    private static final class SlowSecondTaskPool extends AbstractExecutorService {
        private final ExecutorService pool = Executors.newFixedThreadPool(2);
        private final List<Future<?>> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            boolean slow = tasks.size() % 2 == 1;
            tasks.add((Future<?>) task); // submit() hands over its FutureTask
            pool.execute(() -> {
                if (slow) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                task.run();
            });
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return pool.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return pool.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return pool.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return pool.awaitTermination(timeout, unit);
        }
    }

    @Test
    void aFailingLayerFailsTheBatchOnlyAfterEveryOtherLayerIsDone() {
        SlowSecondTaskPool pool = new SlowSecondTaskPool();
        try {
            StatsHook hook = new StatsHook(
                    StatsOptions.builder(2, ClassBasis.LABEL).build(),
                    List.of("narrow", "wide"),
                    pool); // the failing layer's task first, the slow one second
            hook.onBatch(view(1_000, 3));
            // the narrow layer changes its shape in the second batch: its task fails at once, while the wide
            // layer's task is still waiting; onBatch must wait for it before it throws, since the activations are
            // readable only during the call
            assertThatThrownBy(() -> hook.onBatch(view(1_000, 5)))
                    .isInstanceOf(StatsException.class)
                    .hasMessageContaining("narrow");
            assertThat(pool.tasks).hasSize(4).allMatch(Future::isDone);
            assertThat(hook.results().get("wide").frequencies().samples()).isEqualTo(2 * SAMPLES);
            assertThat(hook.results().get("narrow").frequencies().samples()).isEqualTo(SAMPLES);
        } finally {
            pool.shutdownNow();
        }
    }
}
