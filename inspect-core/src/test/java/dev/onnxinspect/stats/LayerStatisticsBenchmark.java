package dev.onnxinspect.stats;

import dev.onnxinspect.runtime.BufferActivations;
import dev.onnxinspect.runtime.LayerActivations;
import java.util.Random;

/**
 * Times {@link LayerStatisticsAccumulator#accept} per sample on the layers of a LeNet-like CNN (synthetic
 * ReLU-like rows: half zeros, the rest uniform in (0, 1]). Not a test: run it by hand, e.g.
 * {@code java -cp target/classes:target/test-classes dev.onnxinspect.stats.LayerStatisticsBenchmark [patterns]}.
 * Prints microseconds per sample for each layer, for array- and buffer-backed activations.
 */
public final class LayerStatisticsBenchmark {
    private static final int BATCH = 256;
    private static final int[][] SHAPES = {{16, 28, 28}, {32, 14, 14}, {64, 7, 7}, {84}};

    private LayerStatisticsBenchmark() {}

    public static void main(String[] args) {
        boolean patterns = args.length > 0 && args[0].equals("patterns");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        StatsOptions options =
                StatsOptions.builder(10, ClassBasis.LABEL).patterns(patterns).build();
        Random random = new Random(1);
        int[] classes = Activations.randomClasses(random, BATCH, 10);
        for (int[] shape : SHAPES) {
            int units = (int) NeuronView.units(shape);
            float[] values = new float[BATCH * units];
            for (int k = 0; k < values.length; k++) {
                values[k] = random.nextBoolean() ? 0f : 1f - random.nextFloat();
            }
            LayerActivations array = new LayerActivations("l", values, BATCH, shape);
            LayerActivations buffer = BufferActivations.of("l", values, BATCH, shape);
            for (int round = 0; round < rounds; round++) {
                System.out.printf(
                        "units %6d patterns %-5s array %7.2f us  buffer %7.2f us%n",
                        units, patterns, time(options, shape, classes, array), time(options, shape, classes, buffer));
            }
        }
    }

    /** Microseconds per sample, after warm-up, over about a second of fresh accumulators. */
    private static double time(StatsOptions options, int[] shape, int[] classes, LayerActivations acts) {
        long samples = 0;
        long elapsed = 0;
        for (int rep = 0; elapsed < 1_000_000_000L || rep < 10; rep++) {
            LayerStatisticsAccumulator acc = new LayerStatisticsAccumulator(options, "l", shape);
            long start = System.nanoTime();
            for (int b = 0; b < 4; b++) {
                acc.accept(classes, acts);
            }
            long t = System.nanoTime() - start;
            if (rep >= 5) {
                elapsed += t;
                samples += 4L * BATCH;
            }
        }
        return elapsed / 1000.0 / samples;
    }
}
