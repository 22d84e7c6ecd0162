package dev.onnxinspect.samples.bench;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.NonFinitePolicy;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.Percentiles;
import dev.onnxinspect.stats.StatsOptions;
import dev.onnxinspect.trainers.arch.Architecture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Runnable benchmark (not a test) of issue 5: throughput of (a) plain ONNX Runtime inference of the original model
 * (logits only) and (b) a full inspection of every hidden layer (S1 and S2 frequencies, histograms, active
 * fractions and class profiles per layer) on the same batches, batch size and ONNX Runtime threads, for the
 * Fashion-MNIST MLP and the LeNet-like CNN; and the heap of (b) over 10,000 and 100,000 samples (a source that
 * cycles over Fashion-MNIST train and test without holding more than one batch).
 *
 * <p>Arguments (all optional): {@code --models mlp,cnn --batch auto --threads 1 --warmup 2 --reps 5
 * --samples N --heap 10000,100000 --patterns false --spinning false}; {@code --heap none} skips the heap part;
 * the scaling figures of issue 14 are {@code --reps 0 --heap 10000,100000,1000000 --heap-reps 3} (the sizes run in
 * turn, {@code --heap-reps} times; then per size the time per sample (mean ± sd), its ratio to the first size's and
 * the largest live heap after a GC: linear time shows as ratios near 1, a flat heap as equal live heaps);
 * {@code --reps 0} the throughput part; {@code --samples} is the samples per throughput pass (default: 100,000 for
 * the MLP and 20,000 for the CNN, cycling over Fashion-MNIST test, so that a pass lasts about a second or more); {@code
 * --batch auto} (the default) takes the inspection's automatic batch
 * size for the instrumented model ({@link Inspection#autoBatchSize}: 256 for the MLP, 16 for the CNN, 64 with blocked channel outputs) for both
 * (a) and (b); {@code --spinning true} lets ONNX Runtime's idle intra-op threads spin
 * (in both (a) and (b); its own default, which on few cores takes the core the statistics need); {@code --breakdown
 * true} also times (c), the instrumented model through an inspection
 * without statistics, which separates the cost of the extra outputs from that of the statistics;
 * {@code --hook-threads 2} splits every batch's statistics over the hook thread and one helper thread (default 1);
 * {@code --instrumented-optimization EXTENDED} (or BASIC, DISABLED; default ALL) sets ONNX Runtime's graph
 * optimisation level of the instrumented model only ((a) keeps ALL); {@code --reuse-output-memory false} has the
 * inspection copy every batch's outputs into new arrays instead of reusing native buffers (the default); {@code
 * --non-finite skip} has (b) and (c) check every output of every sample for NaN/infinities (issue 13; the data has
 * none, so this measures the check alone). (a) and (b)
 * alternate within each repetition, so that a change in the machine's load hits
 * both; the ratio is given per repetition (mean and standard deviation) and as the ratio of the mean throughputs.
 * Every figure is printed with the load average at the time.
 */
public final class InspectionBenchmark {
    private final String batchArg;
    private int batch;
    private final int threads;
    private final int warmup;
    private final int reps;
    private final int samples;
    private final boolean patterns;
    private final boolean spinning;
    private final boolean breakdown;
    private final SessionConfig.Optimization instrumentedOptimization;
    private final boolean blockedChannels;
    private final int hookThreads;
    private final int heapReps;
    private final boolean reuseOutputMemory;
    private final NonFinitePolicy nonFinite;
    private long sink;

    private InspectionBenchmark(Args args) {
        this.batchArg = args.value("batch", "auto");
        this.threads = args.integer("threads", 1);
        this.warmup = args.integer("warmup", 2);
        this.reps = args.integer("reps", 5);
        this.samples = args.integer("samples", 0);
        this.patterns = Boolean.parseBoolean(args.value("patterns", "false"));
        this.spinning = Boolean.parseBoolean(args.value("spinning", "false"));
        this.breakdown = Boolean.parseBoolean(args.value("breakdown", "false"));
        this.hookThreads = args.integer("hook-threads", 1);
        this.heapReps = args.integer("heap-reps", 1);
        this.reuseOutputMemory = Boolean.parseBoolean(args.value("reuse-output-memory", "true"));
        this.nonFinite =
                NonFinitePolicy.valueOf(args.value("non-finite", "fail").toUpperCase(Locale.ROOT));
        this.instrumentedOptimization = SessionConfig.Optimization.valueOf(
                args.value("instrumented-optimization", "ALL").toUpperCase(Locale.ROOT));
        this.blockedChannels = Boolean.parseBoolean(args.value("blocked-channels", "true"));
    }

    public static void main(String[] argv) throws IOException {
        Args args = new Args(argv);
        InspectionBenchmark bench = new InspectionBenchmark(args);
        List<String> models = List.of(args.value("models", "mlp,cnn").split(","));
        String heap = args.value("heap", "10000,100000");
        out(
                "onnx-inspect inspection benchmark: batch %s, ONNX Runtime intra-op threads %d, warm-up %d, repetitions"
                        + " %d, %s samples per pass, patterns %s, spinning %s, instrumented-model optimization"
                        + " %s, blocked channels %s, hook threads %d,"
                        + " reused output memory %s, non-finite %s, %d cores, load %s",
                bench.batchArg,
                bench.threads,
                bench.warmup,
                bench.reps,
                bench.samples > 0 ? Integer.toString(bench.samples) : "100,000 (MLP) or 20,000 (CNN)",
                bench.patterns,
                bench.spinning,
                bench.instrumentedOptimization,
                bench.blockedChannels,
                bench.hookThreads,
                bench.reuseOutputMemory,
                bench.nonFinite,
                Runtime.getRuntime().availableProcessors(),
                load());
        InMemoryDataset test = FashionMnist.test();
        InMemoryDataset train = heap.equals("none") ? null : FashionMnist.train();
        for (String name : models) {
            BenchModel model = BenchModel.byName(name.trim());
            // a pass of about a second or more: short passes make the ratio hostage to the machine's jitter
            long perPass = bench.samples > 0 ? bench.samples : model.name().equals("mlp") ? 100_000 : 20_000;
            DataSource data = new CyclingSource(List.of(test.reshaped(model.sampleShape())), perPass);
            SessionConfig config = SessionConfig.builder()
                    .intraOpThreads(bench.threads)
                    .spinning(bench.spinning)
                    .build();
            try (InferenceSession original = InferenceSession.open(model.original(), config);
                    InferenceSession instrumented = InferenceSession.open(
                            model.instrumented(),
                            SessionConfig.builder()
                                    .intraOpThreads(bench.threads)
                                    .spinning(bench.spinning)
                                    .optimization(bench.instrumentedOptimization)
                                    .blockedChannels(bench.blockedChannels)
                                    .build())) {
                List<String> outputs = new ArrayList<>(List.of(Architecture.LOGITS));
                outputs.addAll(model.hiddenLayers());
                bench.batch = bench.batchArg.equals("auto")
                        ? Inspection.autoBatchSize(instrumented, outputs)
                        : Integer.parseInt(bench.batchArg);
                out(
                        "%s: hidden layers %s, batch %d (for (a) and (b)), outputs handed over in blocked channel"
                                + " layout %s",
                        model.name(), model.hiddenLayers(), bench.batch, instrumented.channelBlocks());
                if (bench.reps > 0) {
                    bench.throughput(model, data, original, instrumented);
                }
                if (train != null) {
                    List<InMemoryDataset> parts =
                            List.of(train.reshaped(model.sampleShape()), test.reshaped(model.sampleShape()));
                    bench.heap(
                            model,
                            parts,
                            instrumented,
                            Arrays.stream(heap.split(","))
                                    .mapToLong(Long::parseLong)
                                    .toArray());
                }
            }
        }
        out("(checksum %d)", bench.sink);
    }

    private void throughput(
            BenchModel model, DataSource data, InferenceSession original, InferenceSession instrumented) {
        for (int i = 0; i < warmup; i++) {
            plain(original, data);
            inspect(model, instrumented, data);
        }
        double[] a = new double[reps];
        double[] b = new double[reps];
        double[] ratio = new double[reps];
        double[] cpuA = new double[reps];
        double[] cpuB = new double[reps];
        double[] c = new double[reps];
        double[] cpuC = new double[reps];
        for (int r = 0; r < reps; r++) {
            if (breakdown) {
                long cpu = cpuNanos();
                c[r] = outputsOnly(model, instrumented, data);
                cpuC[r] = (cpuNanos() - cpu) / 1e3 / data.size();
            }
            long cpu = cpuNanos();
            a[r] = plain(original, data);
            cpuA[r] = (cpuNanos() - cpu) / 1e3 / data.size();
            cpu = cpuNanos();
            b[r] = inspect(model, instrumented, data);
            cpuB[r] = (cpuNanos() - cpu) / 1e3 / data.size();
            ratio[r] = b[r] / a[r];
            out(
                    "%s rep %d: (a) %.0f samples/s, %.1f CPU-us/sample; (b) %.0f samples/s, %.1f CPU-us/sample;"
                            + " b/a %.3f;"
                            + " load %s",
                    model.name(), r + 1, a[r], cpuA[r], b[r], cpuB[r], ratio[r], load());
        }
        out(
                "%s RESULT: (a) plain ORT %s samples/s, (b) inspection %s samples/s, b/a per rep %s, median %s,"
                        + " b/a of means %.3f; process CPU per sample (a) %s us, (b) %s us; load %s",
                model.name(),
                meanSd(a, "%.0f"),
                meanSd(b, "%.0f"),
                meanSd(ratio, "%.3f"),
                quartiles(ratio),
                mean(b) / mean(a),
                meanSd(cpuA, "%.1f"),
                meanSd(cpuB, "%.1f"),
                load());
        if (breakdown) {
            out(
                    "%s BREAKDOWN: (c) instrumented model through the inspection without statistics %s samples/s, %s"
                            + " CPU-us/sample",
                    model.name(), meanSd(c, "%.0f"), meanSd(cpuC, "%.1f"));
        }
    }

    /** (c), for the breakdown: the instrumented model through an inspection whose hook does nothing; samples/s. */
    private double outputsOnly(BenchModel model, InferenceSession session, DataSource data) {
        long start = System.nanoTime();
        long n = Inspection.builder(session, data)
                .layers(model.hiddenLayers())
                .batchSize(batch)
                .reuseOutputMemory(reuseOutputMemory)
                .nonFinite(nonFinite)
                .build()
                .run(view -> sink += view.size())
                .samples();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** The CPU time of the whole process (every thread, ONNX Runtime's native ones included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** (a): the original model, logits only, batch after batch on this thread; returns samples/s. */
    private double plain(InferenceSession session, DataSource data) {
        long start = System.nanoTime();
        long n = 0;
        for (Iterator<Batch> it = data.batches(batch); it.hasNext(); ) {
            Batch b = it.next();
            sink += Float.floatToRawIntBits(session.run(b, List.of(Architecture.LOGITS))
                    .get(Architecture.LOGITS)
                    .values()[0]);
            n += b.size();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** (b): the instrumented model through an inspection with every hidden layer's statistics; samples/s. */
    private double inspect(BenchModel model, InferenceSession session, DataSource data) {
        long start = System.nanoTime();
        StatisticsHook.Finished finished = runInspection(model, session, data);
        double seconds = (System.nanoTime() - start) / 1e9;
        sink += finished.histograms().size() + finished.profiles().size();
        return finished.samples() / seconds;
    }

    private StatisticsHook.Finished runInspection(BenchModel model, InferenceSession session, DataSource data) {
        StatsOptions options =
                StatsOptions.builder(10, ClassBasis.LABEL).patterns(patterns).build();
        StatisticsHook hook = new StatisticsHook(options, model.hiddenLayers(), hookThreads);
        Inspection.builder(session, data)
                .layers(model.hiddenLayers())
                .batchSize(batch)
                .reuseOutputMemory(reuseOutputMemory)
                .nonFinite(nonFinite)
                .build()
                .run(hook);
        return hook.finish();
    }

    private void heap(BenchModel model, List<InMemoryDataset> parts, InferenceSession session, long[] sizes) {
        try (HeapProbe probe = new HeapProbe()) {
            // warm-up as long as the first size, so that its time per sample is that of compiled code
            runInspection(model, session, new CyclingSource(parts, Math.max(batch * 4L, sizes[0])));
            double[][] micros = new double[sizes.length][heapReps];
            long[] liveAfterGc = new long[sizes.length];
            for (int r = 0; r < heapReps; r++) {
                for (int s = 0; s < sizes.length; s++) {
                    long size = sizes[s];
                    HeapProbe.Figures f = heapRun(model, parts, session, probe, size, micros[s], r);
                    liveAfterGc[s] = Math.max(liveAfterGc[s], f.maxAfterGc());
                }
            }
            double first = mean(micros[0]);
            for (int s = 0; s < sizes.length; s++) {
                out(
                        "%s SCALING %d samples: %s us/sample over %d rep(s), / that of %d samples %.2f; largest live"
                                + " heap after a GC %s (0 = no GC during the runs); load %s",
                        model.name(),
                        sizes[s],
                        meanSd(micros[s], "%.2f"),
                        heapReps,
                        sizes[0],
                        mean(micros[s]) / first,
                        mib(liveAfterGc[s]),
                        load());
            }
        }
    }

    /** One measured inspection of {@code size} samples; its time per sample goes to {@code micros[rep]}. */
    private HeapProbe.Figures heapRun(
            BenchModel model,
            List<InMemoryDataset> parts,
            InferenceSession session,
            HeapProbe probe,
            long size,
            double[] micros,
            int rep) {
        probe.start();
        long start = System.nanoTime();
        StatisticsHook.Finished finished = runInspection(model, session, new CyclingSource(parts, size));
        double seconds = (System.nanoTime() - start) / 1e9;
        HeapProbe.Figures f;
        try {
            f = probe.stop();
        } finally {
            Reference.reachabilityFence(finished); // the results count as retained
        }
        sink += finished.samples();
        micros[rep] = seconds * 1e6 / size;
        out(
                "%s HEAP %d samples: peak heap (sum of pool peaks) %s, peak live heap after GC %s,"
                        + " retained with"
                        + " results %s, baseline (datasets) %s; %.2f s, %.0f samples/s; load %s",
                model.name(),
                size,
                mib(f.peakPools()),
                mib(f.maxAfterGc()),
                mib(f.retained() - f.baseline()),
                mib(f.baseline()),
                seconds,
                size / seconds,
                load());
        return f;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The median with the lower and upper quartiles ({@link Percentiles}), e.g. "0.850 [IQR 0.800-0.900]". */
    static String quartiles(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return String.format(
                Locale.ROOT,
                "%.3f [IQR %.3f-%.3f]",
                Percentiles.type7Sorted(sorted, n, 50),
                Percentiles.type7Sorted(sorted, n, 25),
                Percentiles.type7Sorted(sorted, n, 75));
    }

    static String meanSd(double[] v, String format) {
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return String.format(
                Locale.ROOT,
                format + " ± " + format + " (min " + format + ", max " + format + ")",
                m,
                sd,
                Arrays.stream(v).min().orElse(0),
                Arrays.stream(v).max().orElse(0));
    }

    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void out(String format, Object... values) {
        System.out.println(String.format(Locale.ROOT, format, values));
    }

    /** {@code --name value} pairs (shared by the benchmarks of this package). */
    static final class Args {
        private final List<String> argv;

        Args(String[] argv) {
            this.argv = new ArrayList<>(List.of(argv));
        }

        String value(String name, String fallback) {
            int i = argv.indexOf("--" + name);
            if (i < 0) {
                return fallback;
            }
            if (i + 1 >= argv.size()) {
                throw new OnnxInspectException("--" + name + " needs a value");
            }
            return argv.get(i + 1);
        }

        int integer(String name, int fallback) {
            return Integer.parseInt(value(name, Integer.toString(fallback)));
        }
    }
}
