package dev.onnxinspect.samples.bench;

import static dev.onnxinspect.samples.bench.InspectionBenchmark.load;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.mean;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.meanSd;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.mib;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.out;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.onnx.InitializerInfo;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.report.ReportAssembler;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.StatsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runnable benchmark (not a test) of issue 20: an audit of a ResNet-50-sized classifier ({@link ResNetModel}, random
 * weights, 224 x 224, K = 1000) on synthetic images ({@link SyntheticImages}: a structured labelled fit set and ID
 * set, unlabelled uniform noise as the OOD set), with the audit's default memory rule (every ReLU map viewed
 * through its channel means, the per-sample structures within the budget).
 * <p>It reports (1) throughput: (a) plain ONNX Runtime inference of the original model (logits only) and (b) an
 * inspection of the instrumented model (every ReLU output exposed) with the SPEC §2 and §7 statistics of every
 * ReLU map through its channel means (the view the audit picks for them), K = 1000, on the same batches, batch size
 * and ONNX Runtime threads, (a) and (b) alternating in every repetition, b/a per repetition; (2) the audit: wall
 * time, the throughput of each of its passes (and the ID pass against (a)), the heap (the sum of the heap pools'
 * peaks, from the memory pool MXBeans, and the largest heap in use right after a GC) and the process's peak
 * resident set (VmHWM of {@code /proc/self/status}, reset before the audit through {@code /proc/self/clear_refs}),
 * and what the memory rule decided. Every figure is printed with the load average.
 * <p>Arguments (all optional): {@code --classes 1000 --width 64 --resolution 224 --fit 256 --id 128 --ood 128
 * --label-classes 1000 --threads 1 --spinning false --batch auto --warmup 1 --reps 3 --samples 32
 * --budget-mib 512 --model-dir DIR --breakdown false --report FILE} ({@code --reps 0} skips the throughput part, {@code --fit 0}
 * the audit; {@code --breakdown true} adds (c), the instrumented model through an inspection without statistics;
 * without {@code --model-dir} the model goes to a temporary directory that is deleted at the end).
 */
public final class ResNetAuditBenchmark {
    private static final Path STATUS = Path.of("/proc/self/status");

    private final InspectionBenchmark.Args args;
    private final SessionConfig session;
    private final ResNetModel spec;
    private final int labelClasses;
    private int batch;
    private long sink;

    private ResNetAuditBenchmark(InspectionBenchmark.Args args) {
        this.args = args;
        this.session = SessionConfig.builder()
                .intraOpThreads(args.integer("threads", 1))
                .spinning(Boolean.parseBoolean(args.value("spinning", "false")))
                .build();
        this.spec = new ResNetModel(
                args.integer("width", 64),
                args.integer("resolution", 224),
                args.integer("classes", 1000),
                ResNetModel.resnet50Blocks(),
                1);
        this.labelClasses = args.integer("label-classes", spec.classes());
    }

    public static void main(String[] argv) throws IOException {
        InspectionBenchmark.Args args = new InspectionBenchmark.Args(argv);
        ResNetAuditBenchmark bench = new ResNetAuditBenchmark(args);
        String dirArg = args.value("model-dir", "");
        Path dir = dirArg.isEmpty() ? Files.createTempDirectory("resnet-audit") : Path.of(dirArg);
        try {
            bench.run(dir);
        } finally {
            if (dirArg.isEmpty()) {
                deleteTree(dir);
            }
        }
    }

    private void run(Path dir) throws IOException {
        out(
                "onnx-inspect ResNet audit benchmark: ResNet-50 layout, width %d, %d x %d, K = %d, ONNX Runtime"
                        + " intra-op"
                        + " threads %s, %d cores, max heap %s, load %s",
                spec.width(),
                spec.resolution(),
                spec.resolution(),
                spec.classes(),
                args.value("threads", "1"),
                Runtime.getRuntime().availableProcessors(),
                mib(Runtime.getRuntime().maxMemory()),
                load());
        long start = System.nanoTime();
        OnnxModel model = spec.build();
        Path file = dir.resolve("resnet.onnx");
        model.save(file);
        long parameters = model.describe().initializers().stream()
                .mapToLong(InitializerInfo::elementCount)
                .sum();
        out(
                "model: %,d parameters, %s on disk, %d ReLU layers, built and saved in %.1f s",
                parameters, mib(Files.size(file)), spec.reluLayers().size(), (System.nanoTime() - start) / 1e9);
        InstrumentedModel instrumented = model.instrument(TensorSelector.opType("Relu"));
        byte[] original = model.toBytes();
        byte[] hooked = instrumented.model().toBytes();
        model = null; // the protobuf copies are no longer needed
        int reps = args.integer("reps", 3);
        double plain = Double.NaN;
        if (reps > 0) {
            plain = throughput(original, hooked, instrumented.selected(), reps);
        }
        original = null;
        hooked = null;
        if (args.integer("fit", 256) > 0) {
            audit(file, plain);
        }
        out("(checksum %d)", sink);
    }

    /** (a) and (b), alternating; returns the mean samples/s of (a). */
    private double throughput(byte[] original, byte[] hooked, List<String> relus, int reps) {
        int samples = args.integer("samples", 32);
        DataSource data = new SyntheticImages(
                "synthetic-id", SyntheticImages.Kind.STRUCTURED, samples, spec.resolution(), labelClasses, true, 7);
        try (InferenceSession plainSession = InferenceSession.open(original, session);
                InferenceSession inspected = InferenceSession.open(hooked, session)) {
            List<String> outputs = new ArrayList<>(relus);
            outputs.add(ResNetModel.LOGITS);
            String batchArg = args.value("batch", "auto");
            batch = batchArg.equals("auto") ? Inspection.autoBatchSize(inspected, outputs) : Integer.parseInt(batchArg);
            out(
                    "throughput: %d samples per pass, batch %d for (a) and (b), %d ReLU outputs exposed in (b)",
                    samples, batch, relus.size());
            for (int i = 0; i < args.integer("warmup", 1); i++) {
                plain(plainSession, data);
                inspect(inspected, data, relus);
            }
            boolean breakdown = Boolean.parseBoolean(args.value("breakdown", "false"));
            double[] a = new double[reps];
            double[] b = new double[reps];
            double[] c = new double[reps];
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                c[r] = breakdown ? outputsOnly(inspected, data, relus) : Double.NaN;
                a[r] = plain(plainSession, data);
                b[r] = inspect(inspected, data, relus);
                ratio[r] = b[r] / a[r];
                out(
                        "rep %d: (a) plain ORT %.2f samples/s, (b) inspection %.2f samples/s, b/a %.3f%s; load %s",
                        r + 1,
                        a[r],
                        b[r],
                        ratio[r],
                        breakdown
                                ? String.format(Locale.ROOT, "; (c) %.2f samples/s, c/a %.3f", c[r], c[r] / a[r])
                                : "",
                        load());
            }
            out(
                    "THROUGHPUT: (a) plain ORT %s samples/s, (b) inspection of every ReLU (channel means, K = %d) %s"
                            + " samples/s, b/a per rep %s, b/a of means %.3f; load %s",
                    meanSd(a, "%.2f"),
                    spec.classes(),
                    meanSd(b, "%.2f"),
                    meanSd(ratio, "%.3f"),
                    mean(b) / mean(a),
                    load());
            if (breakdown) {
                out(
                        "BREAKDOWN: (c) the instrumented model through the inspection without statistics %s samples/s,"
                                + " c/a of means %.3f",
                        meanSd(c, "%.2f"), mean(c) / mean(a));
            }
            return mean(a);
        }
    }

    private double plain(InferenceSession s, DataSource data) {
        long start = System.nanoTime();
        long n = 0;
        for (Iterator<Batch> it = data.batches(batch); it.hasNext(); ) {
            Batch b = it.next();
            sink += Float.floatToRawIntBits(s.run(b, List.of(ResNetModel.LOGITS))
                    .get(ResNetModel.LOGITS)
                    .values()[0]);
            n += b.size();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** (c): the instrumented model through an inspection whose hook does nothing; samples/s. */
    private double outputsOnly(InferenceSession s, DataSource data, List<String> relus) {
        long start = System.nanoTime();
        long n = Inspection.builder(s, data)
                .layers(relus)
                .batchSize(batch)
                .build()
                .run(view -> sink += view.size())
                .samples();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private double inspect(InferenceSession s, DataSource data, List<String> relus) {
        StatsOptions options = StatsOptions.builder(spec.classes(), ClassBasis.LABEL)
                .view(NeuronView.CHANNEL_MEAN)
                .build();
        long start = System.nanoTime();
        StatisticsHook hook = new StatisticsHook(options, relus, 1);
        Inspection.builder(s, data).layers(relus).batchSize(batch).build().run(hook);
        StatisticsHook.Finished finished = hook.finish();
        double seconds = (System.nanoTime() - start) / 1e9;
        sink += finished.histograms().size();
        return finished.samples() / seconds;
    }

    private void audit(Path file, double plain) throws IOException {
        int fit = args.integer("fit", 256);
        int id = args.integer("id", 128);
        int ood = args.integer("ood", 128);
        long budget = (long) args.integer("budget-mib", 512) << 20;
        System.gc();
        resetPeakRss();
        try (HeapProbe probe = new HeapProbe()) {
            probe.start();
            out(
                    "audit: fit %d, ID %d (labels over %d classes), OOD %d (uniform noise, unlabelled), budget %s; rss"
                            + " before %s; load %s",
                    fit, id, labelClasses, ood, mib(budget), mib(rss("VmRSS")), load());
            long start = System.nanoTime();
            AuditResult result = Audit.builder(file)
                    .fit(new SyntheticImages(
                            "synthetic-fit",
                            SyntheticImages.Kind.STRUCTURED,
                            fit,
                            spec.resolution(),
                            labelClasses,
                            true,
                            1))
                    .id(new SyntheticImages(
                            "synthetic-id",
                            SyntheticImages.Kind.STRUCTURED,
                            id,
                            spec.resolution(),
                            labelClasses,
                            true,
                            2))
                    .ood(new SyntheticImages(
                            "synthetic-noise",
                            SyntheticImages.Kind.NOISE,
                            ood,
                            spec.resolution(),
                            labelClasses,
                            false,
                            3))
                    .session(session)
                    .batchSize(batch)
                    .memoryBudgetBytes(budget)
                    .run();
            double seconds = (System.nanoTime() - start) / 1e9;
            HeapProbe.Figures heap = probe.stop();
            long peakRss = rss("VmHWM");
            for (DatasetResult d : result.inspected()) {
                double perSecond =
                        d.summary().samples() / (d.summary().elapsed().toNanos() / 1e9);
                out(
                        "pass %s (%s): %d samples in %.1f s, %.2f samples/s%s",
                        d.name(),
                        d.role().label(),
                        d.summary().samples(),
                        d.summary().elapsed().toNanos() / 1e9,
                        perSecond,
                        Double.isNaN(plain)
                                ? ""
                                : String.format(Locale.ROOT, ", %.3f of plain inference (a)", perSecond / plain));
            }
            plan(result.parameters());
            for (MetricsRow m : result.metrics()) {
                if (List.of("energy", "knn", "mahalanobis", "vim").contains(m.column())
                        || m.column().startsWith("nap_hamming[stage4/block3")) {
                    out("  %s AUROC %.4f", m.column(), m.evaluation().auroc());
                }
            }
            out(
                    "AUDIT: %.1f s wall, layers %d, K = %d; heap: sum of pool peaks %s, largest in use after a GC %s,"
                            + " held after %s; peak RSS (VmHWM) %s; load %s",
                    seconds,
                    result.layers().size(),
                    result.numClasses(),
                    mib(heap.peakPools()),
                    mib(heap.maxAfterGc()),
                    mib(heap.retained() - heap.baseline()),
                    mib(peakRss),
                    load());
            sink += result.kl().size();
            String report = args.value("report", "");
            if (!report.isEmpty()) {
                long t0 = System.nanoTime();
                Path written = ReportAssembler.write(result, null, null, Path.of(report));
                out("report %s: %,d bytes in %.1f s", written, Files.size(written), (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** What the memory rule decided, from the run parameters. */
    private static void plan(Map<String, String> parameters) {
        Map<String, Integer> views = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        parameters.forEach((key, value) -> {
            if (key.startsWith("neuron_view.")) {
                views.merge(value.replaceFirst(" .*", ""), 1, Integer::sum);
            } else if (key.contains("_skipped.")) {
                skipped.add(key);
            } else if (key.startsWith("memory_")) {
                out(
                        "  %s = %s",
                        key,
                        key.endsWith("bytes") || key.startsWith("memory_estimate")
                                ? mib(Long.parseLong(value))
                                : value);
            }
        });
        out("  views: %s (the others FLATTENED); skipped: %d %s", views, skipped.size(), skipped);
    }

    /** Resets the process's peak resident set (VmHWM) to the current one; logs when the kernel refuses. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            out("(could not reset VmHWM: %s; the peak RSS covers the whole process)", e);
        }
    }

    /** A {@code /proc/self/status} field in bytes (-1 when unreadable). */
    private static long rss(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
