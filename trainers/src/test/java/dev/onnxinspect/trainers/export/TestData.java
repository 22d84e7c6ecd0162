package dev.onnxinspect.trainers.export;

import dev.onnxinspect.trainers.train.TrainingData;
import java.util.SplittableRandom;

/** Tiny synthetic data sets for tests. */
public final class TestData {
    private TestData() {}

    /** n samples of the given shape with uniform [0, 1) features and labels i mod k. */
    public static TrainingData uniform(int n, int[] shape, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] x = new float[n * size];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
        }
        return new TrainingData(x, y, shape, k);
    }
}
