package dev.onnxinspect.samples.bench;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.FitAccumulator;
import dev.onnxinspect.ood.KnnDetector;
import dev.onnxinspect.ood.NacUeDetector;
import dev.onnxinspect.ood.NnGuideDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.RelationDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Runnable benchmark (not a test) of the SPEC §5b bank and gradient detectors: scoring time of NNGuide, Relation and
 * NAC-UE relative to KNN (the baseline: the same brute force over the fit set) on seeded synthetic ReLU features of
 * the demo's size (fit N = 10,000, d = 128, K = 10; 2,000 queries). The detectors alternate within each repetition,
 * so that a change in the machine's load hits all of them; the ratio to KNN is given per repetition (mean and
 * standard deviation), with the load average at the start and the end.
 *
 * <p>Arguments (all optional): {@code --fit 10000 --queries 2000 --dim 128 --classes 10 --warmup 1 --reps 5}.
 */
public final class BankDetectorBenchmark {
    private BankDetectorBenchmark() {}

    public static void main(String[] argv) throws IOException {
        Map<String, Integer> a = new LinkedHashMap<>(
                Map.of("fit", 10_000, "queries", 2_000, "dim", 128, "classes", 10, "warmup", 1, "reps", 5));
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), Integer.parseInt(argv[i + 1]));
        }
        int d = a.get("dim");
        int k = a.get("classes");
        Random random = new Random(42);
        float[] w = new float[k * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() / Math.sqrt(d));
        }
        DenseLayer head = new DenseLayer("logits", "h", k, d, w, new float[k]);
        DetectorInput fit = synthetic(random, a.get("fit"), d, k, w);
        DetectorInput queries = synthetic(random, a.get("queries"), d, k, w);
        Map<String, OodDetector> detectors = new LinkedHashMap<>();
        detectors.put("knn", fitted(KnnDetector.accumulator(), fit));
        detectors.put("nnguide", fitted(NnGuideDetector.accumulator(), fit));
        detectors.put("relation", fitted(RelationDetector.accumulator(), fit));
        detectors.put("nac_ue", fitted(NacUeDetector.accumulator(head), fit));
        System.out.printf(
                Locale.ROOT,
                "fit %d, queries %d, d %d, K %d; load average %s%n",
                a.get("fit"),
                a.get("queries"),
                d,
                k,
                loadAverage());
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        detectors.keySet().forEach(n -> millis.put(n, new ArrayList<>()));
        double sink = 0;
        for (int rep = -a.get("warmup"); rep < a.get("reps"); rep++) {
            for (Map.Entry<String, OodDetector> e : detectors.entrySet()) {
                long start = System.nanoTime();
                sink += e.getValue().score(queries)[0];
                double ms = (System.nanoTime() - start) / 1e6;
                if (rep >= 0) {
                    millis.get(e.getKey()).add(ms);
                }
            }
        }
        List<Double> base = millis.get("knn");
        for (Map.Entry<String, List<Double>> e : millis.entrySet()) {
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < base.size(); r++) {
                ratios.add(e.getValue().get(r) / base.get(r));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-9s mean %8.1f ms   ratio to knn %.3f +- %.3f%n",
                    e.getKey(),
                    mean(e.getValue()),
                    mean(ratios),
                    sd(ratios));
        }
        System.out.printf(Locale.ROOT, "load average %s (checksum %.3f)%n", loadAverage(), sink);
    }

    /** ReLU features (Gaussian + a class offset) and their logits z = W h in float. */
    private static DetectorInput synthetic(Random random, int n, int d, int k, float[] w) {
        float[] h = new float[n * d];
        float[] z = new float[n * k];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(k);
            for (int j = 0; j < d; j++) {
                h[i * d + j] = (float) Math.max(0, random.nextGaussian() + (j % k == c ? 1.5 : 0));
            }
            for (int r = 0; r < k; r++) {
                float s = 0;
                for (int j = 0; j < d; j++) {
                    s += w[r * d + j] * h[i * d + j];
                }
                z[i * k + r] = s;
            }
        }
        return DetectorInput.builder(n).features(h, d).logits(z, k).build();
    }

    private static <D extends OodDetector> D fitted(FitAccumulator<D> accumulator, DetectorInput fit) {
        accumulator.accept(fit);
        return accumulator.result();
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double sd(List<Double> v) {
        double m = mean(v);
        return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / Math.max(1, v.size() - 1));
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
