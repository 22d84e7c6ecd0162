package dev.onnxinspect.samples.bench;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.EnergyDetector;
import dev.onnxinspect.ood.EntropyDetector;
import dev.onnxinspect.ood.FdbdDetector;
import dev.onnxinspect.ood.GenDetector;
import dev.onnxinspect.ood.MahalanobisDetector;
import dev.onnxinspect.ood.MspTemperatureDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.RmdsDetector;
import dev.onnxinspect.ood.ScaleDetector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Scoring cost of the SPEC §5b logit and feature detectors, as ratios to Energy (the baseline) measured in the same
 * run, on seeded synthetic data: ReLU features h of width d, a random dense head, logits z = W h + b. Each repetition
 * scores the same batch with every detector in turn (so a change of the machine's load hits all of them), and the
 * median time per detector is printed with its ratio to Energy's median, the range over repetitions, and the load
 * average. Arguments: {@code [d K samples reps]}, default {@code 512 1000 2000 7} (an ImageNet-sized head).
 */
public final class DetectorBenchmark {
    private DetectorBenchmark() {}

    public static void main(String[] args) {
        int d = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        Random random = new Random(42);
        float[] w = new float[k * d];
        for (int q = 0; q < w.length; q++) {
            w[q] = (float) (random.nextGaussian() / Math.sqrt(d));
        }
        DenseLayer head = new DenseLayer("z", "h", k, d, w, new float[k]);
        DetectorInput fit = batch(random, head, n, true);
        DetectorInput probe = batch(random, head, n, false);
        DetectorSuite suite = DetectorSuite.builder()
                .add(EnergyDetector.create())
                .fit(FdbdDetector.accumulator(head))
                .fit(RmdsDetector.accumulator(k))
                .fit(MahalanobisDetector.accumulator(k))
                .add(GenDetector.create())
                .fit(ScaleDetector.accumulator(head))
                .fit(MspTemperatureDetector.accumulator(k))
                .add(EntropyDetector.create())
                .accept(fit)
                .build();
        List<OodDetector> detectors = suite.detectors();
        long[][] nanos = new long[detectors.size()][reps + 1];
        for (int r = 0; r <= reps; r++) { // repetition 0 warms up
            for (int i = 0; i < detectors.size(); i++) {
                long start = System.nanoTime();
                double[] s = detectors.get(i).score(probe);
                nanos[i][r] = System.nanoTime() - start;
                if (s.length != n) {
                    throw new IllegalStateException("scored " + s.length + " of " + n);
                }
            }
        }
        InspectionBenchmark.out(
                "SPEC §5b detector scoring, d = %d, K = %d, %d samples, %d repetitions (+1 warm-up), load %s",
                d, k, n, reps, InspectionBenchmark.load());
        double baseline = median(nanos[0]);
        for (int i = 0; i < detectors.size(); i++) {
            long[] t = Arrays.copyOfRange(nanos[i], 1, reps + 1);
            Arrays.sort(t);
            InspectionBenchmark.out(
                    "  %-18s median %9.2f ms  (%.2f .. %.2f)  %7.2f x energy",
                    detectors.get(i).name(),
                    median(nanos[i]) / 1e6,
                    t[0] / 1e6,
                    t[t.length - 1] / 1e6,
                    median(nanos[i]) / baseline);
        }
        InspectionBenchmark.out("load after: %s", InspectionBenchmark.load());
    }

    private static double median(long[] withWarmup) {
        long[] t = Arrays.copyOfRange(withWarmup, 1, withWarmup.length);
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2.0;
    }

    private static DetectorInput batch(Random random, DenseLayer head, int n, boolean labels) {
        int d = head.inFeatures();
        int k = head.outFeatures();
        float[] h = new float[n * d];
        float[] z = new float[n * k];
        int[] y = new int[n];
        float[] w = head.weights();
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(k);
            for (int j = 0; j < d; j++) {
                h[i * d + j] = (float) Math.max(0, random.nextGaussian() + (j % k == y[i] ? 2 : 0));
            }
            for (int c = 0; c < k; c++) {
                float s = 0;
                for (int j = 0; j < d; j++) {
                    s += w[c * d + j] * h[i * d + j];
                }
                z[i * k + c] = s;
            }
        }
        DetectorInput.Builder b = DetectorInput.builder(n).features(h, d).logits(z, k);
        if (labels) {
            b.labels(y);
        }
        return b.build();
    }
}
