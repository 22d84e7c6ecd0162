package dev.onnxinspect.samples.bench;

import static dev.onnxinspect.samples.bench.InspectionBenchmark.load;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.mean;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.meanSd;
import static dev.onnxinspect.samples.bench.InspectionBenchmark.out;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.BatchView;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.inspect.InspectionHook;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.LayerStatisticsAccumulator;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.SequenceMask;
import dev.onnxinspect.stats.StatsOptions;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.experiments.TextClassifierSample;
import dev.onnxinspect.trainers.train.TokenSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runnable benchmark (not a test) of issue 20: throughput of the project's text classifier (int64 {@code input_ids}
 * and {@code attention_mask} [N, T], each batch padded to its own longest sequence; embedding, a token layer, masked
 * mean pooling, an MLP head; trained for a few seconds with {@link TextClassifierSample}) under (a) plain ONNX Runtime
 * inference of the model with the logits as its only output and (b) an inspection of every exposed layer: the two
 * sequence layers [N, T, d] through {@link NeuronView#MASKED_MEAN} with the attention mask, the pooled features and
 * the hidden ReLU layer as they are (S1/S2 class-wise frequencies, histograms, active fractions, K = 3). Same batches,
 * batch size and ONNX Runtime threads; (a) and (b) alternate in every repetition; b/a per repetition.
 *
 * <p>Arguments (all optional): {@code --samples 50000 --batch 64 --threads 1 --warmup 2 --reps 5 --seed 1}.
 */
public final class TextInspectionBenchmark {
    private final InspectionBenchmark.Args args;
    private final int batch;
    private long sink;

    private TextInspectionBenchmark(InspectionBenchmark.Args args) {
        this.args = args;
        this.batch = args.integer("batch", 64);
    }

    public static void main(String[] argv) throws IOException {
        InspectionBenchmark.Args args = new InspectionBenchmark.Args(argv);
        new TextInspectionBenchmark(args).run();
    }

    private void run() throws IOException {
        int threads = args.integer("threads", 1);
        out(
                "onnx-inspect text inspection benchmark: batch %d, ONNX Runtime intra-op threads %d, %d cores, load %s",
                batch, threads, Runtime.getRuntime().availableProcessors(), load());
        Path dir = Files.createTempDirectory("text-bench");
        TextClassifierSample.Result trained = TextClassifierSample.trainAndExport(dir, args.integer("seed", 1));
        out("trained the text classifier: test accuracy %.4f", trained.testAccuracy());
        OnnxModel model = OnnxModel.load(trained.model());
        Files.delete(trained.model());
        Files.delete(dir);
        List<String> layers = model.describe().outputs().stream()
                .map(v -> v.name())
                .filter(n -> !n.equals(Architecture.LOGITS))
                .toList();
        DataSource data = TokenSource.cycling("keyword-text-test", trained.test(), args.integer("samples", 50_000));
        SessionConfig config =
                SessionConfig.builder().intraOpThreads(threads).spinning(false).build();
        try (InferenceSession plain = InferenceSession.open(BenchModel.logitsOnly(model.proto()), config);
                InferenceSession inspected = InferenceSession.open(model.toBytes(), config)) {
            out(
                    "layers %s (sequence layers through masked means: %s), %d samples per pass",
                    layers, List.of(TextClassifier.EMBEDDING, "token1/relu"), data.size());
            for (int i = 0; i < args.integer("warmup", 2); i++) {
                plain(plain, data);
                inspect(inspected, data, layers);
            }
            int reps = args.integer("reps", 5);
            double[] a = new double[reps];
            double[] b = new double[reps];
            double[] ratio = new double[reps];
            for (int r = 0; r < reps; r++) {
                a[r] = plain(plain, data);
                b[r] = inspect(inspected, data, layers);
                ratio[r] = b[r] / a[r];
                out(
                        "rep %d: (a) plain ORT %.0f samples/s, (b) inspection %.0f samples/s, b/a %.3f; load %s",
                        r + 1, a[r], b[r], ratio[r], load());
            }
            out(
                    "THROUGHPUT: (a) plain ORT %s samples/s, (b) inspection of every layer %s samples/s, b/a per"
                            + " rep %s,"
                            + " b/a of means %.3f; load %s",
                    meanSd(a, "%.0f"), meanSd(b, "%.0f"), meanSd(ratio, "%.3f"), mean(b) / mean(a), load());
        }
        out("(checksum %d)", sink);
    }

    private double plain(InferenceSession s, DataSource data) {
        long start = System.nanoTime();
        long n = 0;
        for (Iterator<Batch> it = data.batches(batch); it.hasNext(); ) {
            Batch b = it.next();
            sink += Float.floatToRawIntBits(s.run(b, List.of(Architecture.LOGITS))
                    .get(Architecture.LOGITS)
                    .values()[0]);
            n += b.size();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private double inspect(InferenceSession s, DataSource data, List<String> layers) {
        long start = System.nanoTime();
        Statistics hook = new Statistics();
        long n = Inspection.builder(s, data)
                .logitsOutput(Architecture.LOGITS)
                .layers(layers)
                .batchSize(batch)
                .build()
                .run(hook)
                .samples();
        hook.accumulators
                .values()
                .forEach(acc -> sink += acc.result().frequencies().samples());
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** One accumulator per layer; the sequence layers read through masked means of the batch's attention mask. */
    private static final class Statistics implements InspectionHook {
        private final Map<String, LayerStatisticsAccumulator> accumulators = new LinkedHashMap<>();

        @Override
        public void onBatch(BatchView view) {
            SequenceMask mask = SequenceMask.of(view.input(TextClassifier.ATTENTION_MASK));
            for (Map.Entry<String, LayerActivations> e : view.activations().entrySet()) {
                LayerActivations acts = e.getValue();
                boolean sequence = acts.unitShape().length == 2;
                LayerStatisticsAccumulator acc = accumulators.computeIfAbsent(
                        e.getKey(),
                        layer -> new LayerStatisticsAccumulator(
                                StatsOptions.builder(view.numClasses(), ClassBasis.LABEL)
                                        .view(sequence ? NeuronView.MASKED_MEAN : NeuronView.FLATTENED)
                                        .build(),
                                layer,
                                acts.unitShape()));
                if (sequence) {
                    acc.accept(view.classes(), acts, mask);
                } else {
                    acc.accept(view.classes(), acts);
                }
            }
        }
    }
}
