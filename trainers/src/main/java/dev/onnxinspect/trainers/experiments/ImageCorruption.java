package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.train.Permutations;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.SplittableRandom;

/**
 * SPEC §11 image corruptions; labels are kept, every sample is replaced. All are seeded and deterministic.
 */
public final class ImageCorruption {
    private ImageCorruption() {}

    /**
     * Random pixels: every value drawn independently from U[min, max), where min and max are the smallest and
     * largest value in the data. Choice: the data's own range (e.g. [0, 1] for scaled images), not a fixed one.
     */
    public static TrainingData randomPixels(TrainingData data, long seed) {
        float[] x = data.features();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (min + (max - min) * random.nextDouble());
        }
        return data.withFeatures(x);
    }

    /** Shuffled pixels with one fixed permutation (drawn from the seed) applied to every sample. */
    public static TrainingData shuffledPixels(TrainingData data, long seed) {
        int[] permutation = Permutations.random(data.sampleSize(), new SplittableRandom(seed));
        return permute(data, i -> permutation);
    }

    /** Shuffled pixels with a new permutation for every sample (drawn in sample order from the seed). */
    public static TrainingData shuffledPixelsPerImage(TrainingData data, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return permute(data, i -> Permutations.random(data.sampleSize(), random));
    }

    /**
     * Gaussian noise: value j of every sample drawn from N(mean_j, var_j), the data's per-position mean and
     * (population, divide by n) variance, so the result matches the data's first two moments per pixel.
     */
    public static TrainingData gaussianNoise(TrainingData data, long seed) {
        int n = data.size();
        int d = data.sampleSize();
        if (n == 0) {
            throw new TrainingException("cannot estimate per-pixel moments of an empty data set");
        }
        double[] mean = new double[d];
        double[] m2 = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double delta = data.feature(i, j) - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (data.feature(i, j) - mean[j]);
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (mean[j] + Math.sqrt(m2[j] / n) * gaussian(random));
            }
        }
        return data.withFeatures(x);
    }

    private interface PermutationSource {
        int[] forSample(int sample);
    }

    private static TrainingData permute(TrainingData data, PermutationSource source) {
        int d = data.sampleSize();
        float[] x = new float[data.size() * d];
        for (int i = 0; i < data.size(); i++) {
            int[] p = source.forSample(i);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = data.feature(i, p[j]);
            }
        }
        return data.withFeatures(x);
    }

    /** A standard normal draw by the Box-Muller transform (one of the pair). */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
