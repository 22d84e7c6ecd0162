package dev.onnxinspect.stats;

import com.sun.management.OperatingSystemMXBean;
import dev.onnxinspect.runtime.LayerActivations;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SPEC §8 nodes-as-classifiers benchmark (issue 14), a main class, not a test: the LeNet-like CNN case, 22,036 nodes
 * in the CNN's four layer sizes (12,544, 6,272, 3,136 and 84 units, flattened), K = 10, 5,000 fit and 2,000
 * evaluation samples in batches of 16 (the audit's automatic batch for the CNN). The activations are synthetic
 * (documented, so the benchmark needs no model or data set): per node, a class-dependent mean plus Gaussian noise
 * through a ReLU (about half the values on); every 10th node is "border-like" (85% of the samples give the same
 * value, many exact ties), every 97th node never fires. Layers are fitted and evaluated one at a time so the heap
 * holds one layer's fit values.
 * <p>It times, in one run and on the same fitted classifiers, the new {@link KdeMode#FAST} evaluation over all
 * evaluation samples (repeated) and the old exact evaluation ({@link KdeMode#EXACT}: sample by sample, every fit
 * value, {@code Math.exp}) over the first {@code --old-samples} evaluation samples, extrapolated linearly to all of
 * them (its cost per sample does not depend on which sample). On that subset it also checks that both give the
 * same per-node and per-layer correct counts. Every figure is printed with the load average, and the totals also as
 * process CPU time (all threads, JIT and GC included), which a busy machine distorts far less than the wall clock:
 * FAST runs on every core, EXACT on one.
 * <p>Options: {@code --reps 3 --old-samples 20 --fit 5000 --eval 2000 --batch 16 --layers 12544,6272,3136,84}.
 */
public final class NodeClassifierBenchmark {
    private static final int K = 10;

    private NodeClassifierBenchmark() {}

    public static void main(String[] args) throws IOException {
        int reps = 3;
        int oldSamples = 20;
        int fit = 5000;
        int eval = 2000;
        int batch = 16;
        int[] layers = {12544, 6272, 3136, 84};
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(value);
                case "--old-samples" -> oldSamples = Integer.parseInt(value);
                case "--fit" -> fit = Integer.parseInt(value);
                case "--eval" -> eval = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--layers" ->
                    layers = Arrays.stream(value.split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; expected --reps, --old-samples, --fit, --eval, --batch or --layers");
            }
        }
        int total = Arrays.stream(layers).sum();
        System.out.printf(
                Locale.ROOT,
                "SPEC 8 benchmark: %d nodes %s, K = %d, fit %d, eval %d, batch %d, %d cores," + " load %s%n",
                total,
                Arrays.toString(layers),
                K,
                fit,
                eval,
                batch,
                Runtime.getRuntime().availableProcessors(),
                load());
        double[] newSeconds = new double[reps];
        double[] newCpu = new double[reps];
        double oldSeconds = 0;
        double oldCpu = 0;
        long offset = 0;
        for (int size : layers) {
            Layer layer = new Layer(size, 1000 + offset);
            offset += size;
            StatsOptions options = StatsOptions.builder(K, ClassBasis.LABEL).build();
            NodeClassifierFitAccumulator accumulator =
                    new NodeClassifierFitAccumulator(options, layer.name, new int[] {size});
            long t0 = System.nanoTime();
            for (int from = 0; from < fit; from += batch) {
                int n = Math.min(batch, fit - from);
                accumulator.accept(layer.classes(from, n), layer.batch(from, n));
            }
            NodeClassifier classifier = accumulator.result();
            accumulator = null;
            double fitSeconds = (System.nanoTime() - t0) / 1e9;
            // the evaluation batches, made once (not timed)
            int batches = (eval + batch - 1) / batch;
            int[][] classes = new int[batches][];
            LayerActivations[] acts = new LayerActivations[batches];
            for (int b = 0; b < batches; b++) {
                int from = fit + b * batch;
                int n = Math.min(batch, eval - b * batch);
                classes[b] = layer.classes(from, n);
                acts[b] = layer.batch(from, n);
            }
            NodeClassifierResult fast = null;
            StringBuilder times = new StringBuilder();
            for (int r = 0; r < reps; r++) {
                long start = System.nanoTime();
                long cpuStart = cpuNanos();
                NodeClassifierEvaluationAccumulator e = classifier.evaluation(KdeMode.FAST);
                for (int b = 0; b < batches; b++) {
                    e.accept(classes[b], acts[b]);
                }
                fast = e.result();
                double s = (System.nanoTime() - start) / 1e9;
                double cpu = (cpuNanos() - cpuStart) / 1e9;
                newSeconds[r] += s;
                newCpu[r] += cpu;
                times.append(String.format(Locale.ROOT, " %.2f (cpu %.2f)", s, cpu));
            }
            // the old exact path on the first oldSamples evaluation samples, and FAST on the same samples
            int subsetBatches = Math.min(batches, (oldSamples + batch - 1) / batch);
            NodeClassifierEvaluationAccumulator exact = classifier.evaluation(KdeMode.EXACT);
            NodeClassifierEvaluationAccumulator fastSubset = classifier.evaluation(KdeMode.FAST);
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            for (int b = 0; b < subsetBatches; b++) {
                exact.accept(classes[b], acts[b]);
            }
            double oldSubset = (System.nanoTime() - start) / 1e9;
            double oldSubsetCpu = (cpuNanos() - cpuStart) / 1e9;
            for (int b = 0; b < subsetBatches; b++) {
                fastSubset.accept(classes[b], acts[b]);
            }
            NodeClassifierResult x = exact.result();
            NodeClassifierResult y = fastSubset.result();
            double oldExtrapolated = oldSubset * eval / x.samples();
            oldSeconds += oldExtrapolated;
            oldCpu += oldSubsetCpu * eval / x.samples();
            int differ = 0;
            for (int j = 0; j < size; j++) {
                if (x.nodeCorrect()[j] != y.nodeCorrect()[j]) {
                    differ++;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "layer %-6d fit %.1f s; new FAST (s):%s; old EXACT %.2f s for %d samples"
                            + " -> %.1f s for %d; layer accuracy %.4f; on the subset node counts differing %d,"
                            + " layer correct %d vs %d; load %s%n",
                    size,
                    fitSeconds,
                    times,
                    oldSubset,
                    x.samples(),
                    oldExtrapolated,
                    eval,
                    fast.layerAccuracy(),
                    differ,
                    x.layerCorrect(),
                    y.layerCorrect(),
                    load());
        }
        double mean = Arrays.stream(newSeconds).average().orElse(Double.NaN);
        double sd = Math.sqrt(
                Arrays.stream(newSeconds).map(s -> (s - mean) * (s - mean)).sum() / Math.max(1, reps - 1));
        double cpuMean = Arrays.stream(newCpu).average().orElse(Double.NaN);
        double cpuSd = Math.sqrt(
                Arrays.stream(newCpu).map(s -> (s - cpuMean) * (s - cpuMean)).sum() / Math.max(1, reps - 1));
        StringBuilder ratios = new StringBuilder();
        for (double s : newSeconds) {
            ratios.append(String.format(Locale.ROOT, " %.1f", oldSeconds / s));
        }
        System.out.printf(
                Locale.ROOT,
                "all %d nodes: new FAST %.2f +- %.2f s (reps %s); old EXACT %.1f s"
                        + " (extrapolated from %d samples); ratio old/new per rep:%s; load %s%n",
                total,
                mean,
                sd,
                Arrays.toString(newSeconds),
                oldSeconds,
                oldSamples,
                ratios,
                load());
        // CPU time is what the load steals least from: FAST runs on every core, EXACT on one
        System.out.printf(
                Locale.ROOT,
                "all %d nodes, process CPU time: new FAST %.2f +- %.2f s (%s), old EXACT %.1f s; CPU ratio %.1f;"
                        + " on %d idle cores the new wall time would be about %.1f s at best; load %s%n",
                total,
                cpuMean,
                cpuSd,
                Arrays.toString(newCpu),
                oldCpu,
                oldCpu / cpuMean,
                Runtime.getRuntime().availableProcessors(),
                cpuMean / Runtime.getRuntime().availableProcessors(),
                load());
    }

    /** This process's CPU time (all threads), or the wall clock where the JVM does not tell. */
    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            long cpu = os.getProcessCpuTime();
            if (cpu >= 0) {
                return cpu;
            }
        }
        return System.nanoTime();
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Synthetic activations of one layer; sample i is the same whenever it is made. */
    private static final class Layer {
        final String name;
        final int size;
        final double[][] means;
        final double[] noise;
        final float[] border;
        final long seed;

        Layer(int size, long seed) {
            this.name = "layer" + size;
            this.size = size;
            this.seed = seed;
            SplittableRandom random = new SplittableRandom(seed);
            means = new double[size][K];
            noise = new double[size];
            border = new float[size];
            for (int j = 0; j < size; j++) {
                double node = random.nextGaussian() * 0.5;
                for (int c = 0; c < K; c++) {
                    means[j][c] = j % 97 == 0 ? -100 : node + random.nextGaussian() * 0.5;
                }
                noise[j] = 0.3 + random.nextDouble();
                border[j] = j % 10 == 0 ? (float) random.nextDouble() : Float.NaN;
            }
        }

        int[] classes(int from, int n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = new SplittableRandom(seed * 31 + from + i).nextInt(K);
            }
            return out;
        }

        LayerActivations batch(int from, int n) {
            int[] classes = classes(from, n);
            float[] values = new float[n * size];
            for (int i = 0; i < n; i++) {
                SplittableRandom random = new SplittableRandom(seed * 131 + from + i);
                for (int j = 0; j < size; j++) {
                    double v;
                    if (!Float.isNaN(border[j]) && random.nextInt(100) < 85) {
                        v = border[j];
                    } else {
                        v = means[j][classes[i]] + noise[j] * random.nextGaussian();
                    }
                    values[i * size + j] = (float) Math.max(0.0, v);
                }
            }
            return new LayerActivations(name, values, n, new int[] {size});
        }
    }
}
