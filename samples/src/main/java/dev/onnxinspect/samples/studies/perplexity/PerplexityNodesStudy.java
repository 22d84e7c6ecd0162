package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.samples.dynamics.SvgCharts;
import dev.onnxinspect.samples.studies.Study;
import dev.onnxinspect.samples.studies.StudyPage;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The study of sparsity, class-wise frequency histograms, layer perplexity and nodes as classifiers over depth
 * (issue 18): a grid of ReLU MLPs on Fashion-MNIST ({@link GridSettings}: 1..10 hidden layers of 100 units and 10
 * layers of 20..200 units), each trained (or loaded from an earlier run, {@link ModelCache}) and measured at
 * initialisation and after training ({@link LayerMeasurement}); the claims are judged in
 * {@link PerplexityNodesClaims}.
 * <p>Writes into the output directory: {@code index.html} and {@code summary.md} (the page), {@code layers.csv} (every
 * figure per model, state and layer) and {@code models/<id>/} (the two ONNX exports and the training outcome of each
 * model, reused by a rerun into the same directory).
 */
public final class PerplexityNodesStudy implements Study {
    /** The README's one-line summary, spliced between the README's {@code generated:study-perplexity-nodes} markers. */
    public static final String README_FRAGMENT = "readme-line.md";

    /** The data file of every figure per model, state and layer. */
    public static final String LAYERS_CSV = "layers.csv";

    /** The histogram charts' bins (B = 100 summed in groups). */
    static final int DRAWN_BINS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(PerplexityNodesStudy.class);
    private static final String SOURCE = "the study of activation sparsity, class-wise frequency histograms, layer"
            + " perplexity and nodes as classifiers across depth (MLPs of 1-10 layers x 100 units and 10 layers x"
            + " 20-200 units on Fashion-MNIST; SPEC §1-2, §7, §8)";

    @Override
    public String name() {
        return "perplexity-nodes";
    }

    @Override
    public String description() {
        return "Sparsity, S1/S2 histograms, layer perplexity and nodes as classifiers over a depth/width grid of MLPs.";
    }

    @Override
    public StudyPage run(Path out, boolean quick, long seed) throws Exception {
        return run(out, quick ? GridSettings.quick() : GridSettings.full(), quick, seed);
    }

    /** Runs the study with explicit settings ({@code quick} only changes how the claims are judged). */
    public StudyPage run(Path out, GridSettings settings, boolean quick, long seed) throws Exception {
        long start = System.nanoTime();
        InMemoryDataset trainSet = FashionMnist.train().reshaped(784);
        InMemoryDataset testSet = FashionMnist.test().reshaped(784);
        InMemoryDataset stats = testSet.subset(0, settings.statsSamples())
                .named("fashion-mnist-test[0:" + settings.statsSamples() + "]");
        InMemoryDataset fit =
                trainSet.subset(0, settings.fitSamples()).named("fashion-mnist-train[0:" + settings.fitSamples() + "]");
        InMemoryDataset eval =
                testSet.subset(0, settings.evalSamples()).named("fashion-mnist-test[0:" + settings.evalSamples() + "]");
        TrainingConfig config = TrainingConfig.builder(settings.epochs())
                .optimizer(OptimizerKind.ADAM)
                .learningRate(1e-3)
                .batchSize(128)
                .seed(seed)
                .build();
        ModelCache cache = new ModelCache(
                out.resolve("models"),
                TrainingData.from(trainSet.subset(0, settings.trainSamples()), 10),
                TrainingData.from(stats, 10),
                config);
        List<ModelFigures> results = new ArrayList<>();
        for (GridModel model : settings.models()) {
            ModelCache.Pair pair = cache.obtain(model);
            long t0 = System.nanoTime();
            List<LayerFigures> untrained = LayerMeasurement.measure(pair.untrained(), model.layers(), stats, fit, eval);
            List<LayerFigures> trained = LayerMeasurement.measure(pair.trained(), model.layers(), stats, fit, eval);
            LOG.info(
                    "{}: measured both states in {} s",
                    model.id(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            results.add(new ModelFigures(
                    model,
                    pair.trainAccuracy(),
                    pair.testAccuracy(),
                    pair.trainSeconds(),
                    pair.cached(),
                    untrained,
                    trained));
        }
        Files.createDirectories(out);
        AtomicFiles.write(out.resolve(LAYERS_CSV), csv(results).getBytes(StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<PerplexityNodesClaims.Judged> claims = PerplexityNodesClaims.all(results, settings, quick);
        StudyPage page = page(results, claims, settings, config, quick, seed, seconds);
        page.write(out);
        AtomicFiles.write(
                out.resolve(README_FRAGMENT),
                (readmeLine(claims, results.size(), seconds) + "\n").getBytes(StandardCharsets.UTF_8));
        LOG.info(
                "wrote {} and {} in {} s",
                out.resolve(StudyPage.HTML),
                out.resolve(StudyPage.MARKDOWN),
                String.format(Locale.ROOT, "%.0f", seconds));
        return page;
    }

    private static StudyPage page(
            List<ModelFigures> results,
            List<PerplexityNodesClaims.Judged> claims,
            GridSettings settings,
            TrainingConfig config,
            boolean quick,
            long seed,
            double seconds) {
        StudyPage page = StudyPage.create(
                        "Sparsity, histograms, perplexity and nodes as classifiers across depth", SOURCE)
                .parameter("run", quick ? "--quick" : "full")
                .parameter(
                        "models",
                        "ReLU MLPs 784-...-10: depth series " + settings.depths() + " x " + settings.depthWidth()
                                + " units"
                                + (settings.widths().isEmpty()
                                        ? ""
                                        : "; width series " + settings.wideDepth() + " layers x " + settings.widths()
                                                + " units")
                                + " (" + results.size() + " models)")
                .parameter(
                        "training",
                        "Fashion-MNIST train 0.." + (settings.trainSamples() - 1) + ", " + settings.epochs()
                                + " epochs, Adam 1e-3, batch " + config.batchSize() + ", Xavier-uniform"
                                + " initialisation (kept as the untrained state), seed " + seed)
                .parameter(
                        "statistics (SPEC §1-2, §7)",
                        "Fashion-MNIST test 0.." + (settings.statsSamples() - 1)
                                + ", true labels, tau = 0, eps = 1000, B = 100")
                .parameter(
                        "nodes as classifiers (SPEC §8)",
                        "fitted on train 0.." + (settings.fitSamples() - 1) + ", evaluated on test 0.."
                                + (settings.evalSamples() - 1) + " (limited: the KDE cost grows with nodes x fit x"
                                + " evaluation samples)")
                .parameter("wall time", String.format(Locale.ROOT, "%.0f s", seconds))
                .parameter(
                        "models trained by this run",
                        results.stream().filter(r -> !r.cached()).count() + " (the others loaded from models/)");
        for (PerplexityNodesClaims.Judged judged : claims) {
            page.claim(judged.claim());
        }
        List<ModelFigures> deepest = results.stream()
                .filter(r -> settings.deepest().contains(r.model()))
                .toList();
        List<ModelFigures> depthSeries = results.stream()
                .filter(r -> settings.depthSeries().contains(r.model()))
                .toList();
        page.section("Sparsity against depth")
                .paragraph("S1 sparsity (1 - active fraction, SPEC §2) of every hidden layer; the deepest networks"
                        + " (one line per width) and the depth series (one line per depth D), trained and at"
                        + " initialisation. Every model starts from the same seed, so the untrained networks of the"
                        + " depth series share their first layers (their lines coincide).");
        page.figures(
                List.of(
                        "S1 sparsity per layer, deepest networks, trained",
                        "S1 sparsity per layer, deepest networks, untrained",
                        "S1 sparsity per layer, depth series, trained",
                        "S1 sparsity per layer, depth series, untrained"),
                List.of(
                        perLayer("Sparsity (S1), trained", "sparsity", deepest, true, LayerFigures::sparsity),
                        perLayer("Sparsity (S1), untrained", "sparsity", deepest, false, LayerFigures::sparsity),
                        perLayer(
                                "Sparsity (S1) by depth D, trained",
                                "sparsity",
                                depthSeries,
                                true,
                                LayerFigures::sparsity),
                        perLayer(
                                "Sparsity (S1) by depth D, untrained",
                                "sparsity",
                                depthSeries,
                                false,
                                LayerFigures::sparsity)));
        ModelFigures reference = deepest.stream()
                .filter(m -> m.model().width() == settings.depthWidth())
                .findFirst()
                .orElse(deepest.get(0));
        page.section("Class-wise frequency histograms, trained vs untrained")
                .paragraph("Neuron-class pairs per frequency bin (SPEC §2: B = 100 bins over [0, 1], summed over the"
                        + " 10 classes, drawn in " + DRAWN_BINS + " bins of width 1/" + DRAWN_BINS + ") of network "
                        + reference.model().id() + ": its first, middle and last hidden layer under S1, and its last"
                        + " layer under S2. A class-specific neuron fires for most samples of one class and few of"
                        + " another.");
        int last = reference.trained().size();
        List<Integer> shown =
                IntStream.of(1, (last + 1) / 2, last).distinct().boxed().toList();
        List<String> captions = new ArrayList<>();
        List<String> svgs = new ArrayList<>();
        for (int layer : shown) {
            captions.add(
                    "S1 histogram, layer " + layer + " of " + reference.model().id());
            svgs.add(histogram("S1, layer " + layer, reference, layer, true));
        }
        captions.add("S2 histogram, layer " + last + " of " + reference.model().id());
        svgs.add(histogram("S2, layer " + last, reference, last, false));
        captions.add("Class-specific neurons per layer, deepest networks, trained and untrained");
        svgs.add(bothStates("Class-specific fraction", "fraction of neurons", deepest, LayerFigures::classSpecific));
        page.figures(captions, svgs);
        page.section("Layer perplexity")
                .paragraph("Mean over classes of the perplexity P(c, l) divided by the class size N_c (SPEC §7): 1 when"
                        + " every sample of a class has its own S1 pattern, as in wide layers; lower when samples share"
                        + " patterns.");
        page.figures(
                List.of("P/N_c per layer, deepest networks", "P/N_c per layer, depth series, trained"),
                List.of(
                        bothStates("Perplexity / N_c", "P / N_c", deepest, LayerFigures::relativePerplexity),
                        perLayer(
                                "Perplexity / N_c by depth D, trained",
                                "P / N_c",
                                depthSeries,
                                true,
                                LayerFigures::relativePerplexity)));
        page.section("Nodes as classifiers")
                .paragraph("Layer accuracy (SPEC §8: the argmax over classes of the summed log-posteriors of the"
                        + " layer's nodes) on the evaluation images.");
        page.figures(
                List.of(
                        "Layer accuracy per layer, deepest networks",
                        "Layer accuracy per layer, depth series, trained"),
                List.of(
                        bothStates("Layer accuracy", "accuracy", deepest, LayerFigures::layerAccuracy),
                        perLayer(
                                "Layer accuracy by depth D, trained",
                                "accuracy",
                                depthSeries,
                                true,
                                LayerFigures::layerAccuracy)));
        page.section("Models and layers");
        page.table(
                "Training (final epoch)",
                List.of("model", "depth", "width", "train accuracy", "test accuracy", "training s", "source"),
                results.stream()
                        .map(r -> List.of(
                                r.model().id(),
                                Integer.toString(r.model().depth()),
                                Integer.toString(r.model().width()),
                                f(r.trainAccuracy()),
                                f(r.testAccuracy()),
                                String.format(Locale.ROOT, "%.1f", r.trainSeconds()),
                                r.cached() ? "loaded from models/" : "trained by this run"))
                        .toList());
        page.table("Every layer (also in " + LAYERS_CSV + ")", HEADER, rows(results));
        return page;
    }

    private static final List<String> HEADER = List.of(
            "model",
            "state",
            "layer",
            "active S1",
            "active S2",
            "sparsity S1",
            "class-specific",
            "mean P",
            "P/N_c",
            "layer accuracy",
            "best node accuracy");

    private static List<List<String>> rows(List<ModelFigures> results) {
        List<List<String>> rows = new ArrayList<>();
        for (ModelFigures r : results) {
            for (boolean isTrained : new boolean[] {true, false}) {
                for (LayerFigures l : r.layers(isTrained)) {
                    rows.add(List.of(
                            r.model().id(),
                            isTrained ? "trained" : "untrained",
                            Integer.toString(l.index()),
                            f(l.activeS1()),
                            f(l.activeS2()),
                            f(l.sparsity()),
                            f(l.classSpecific()),
                            String.format(Locale.ROOT, "%.1f", l.meanPerplexity()),
                            f(l.relativePerplexity()),
                            f(l.layerAccuracy()),
                            f(l.bestNodeAccuracy())));
                }
            }
        }
        return rows;
    }

    /** The README's summary: the models, the wall time, and each claim's headline (verdict and trained figure). */
    static String readmeLine(List<PerplexityNodesClaims.Judged> claims, int models, double seconds) {
        return String.format(Locale.ROOT, "%d MLPs, %.0f min: ", models, seconds / 60)
                + String.join(
                        "; ",
                        claims.stream()
                                .map(PerplexityNodesClaims.Judged::headline)
                                .toList());
    }

    /** The CSV of every figure (full precision), one row per model, state and layer. */
    static String csv(List<ModelFigures> results) {
        StringBuilder csv = new StringBuilder("model,depth,width,state,layer,layer_name,neurons,active_fraction_s1,"
                + "active_fraction_s2,class_specific_fraction,mean_perplexity,mean_perplexity_over_class_size,"
                + "layer_accuracy,best_node_accuracy\n");
        for (ModelFigures r : results) {
            for (boolean isTrained : new boolean[] {true, false}) {
                for (LayerFigures l : r.layers(isTrained)) {
                    csv.append(String.join(
                                    ",",
                                    r.model().id(),
                                    Integer.toString(r.model().depth()),
                                    Integer.toString(r.model().width()),
                                    isTrained ? "trained" : "untrained",
                                    Integer.toString(l.index()),
                                    l.layer(),
                                    Integer.toString(l.neurons()),
                                    Double.toString(l.activeS1()),
                                    Double.toString(l.activeS2()),
                                    Double.toString(l.classSpecific()),
                                    Double.toString(l.meanPerplexity()),
                                    Double.toString(l.relativePerplexity()),
                                    Double.toString(l.layerAccuracy()),
                                    Double.toString(l.bestNodeAccuracy())))
                            .append('\n');
                }
            }
        }
        return csv.toString();
    }

    /** One line per model of a figure over its layers, in one state. */
    private static String perLayer(
            String title,
            String yLabel,
            List<ModelFigures> models,
            boolean isTrained,
            ToDoubleFunction<LayerFigures> figure) {
        List<SvgCharts.Series> series = models.stream()
                .map(m -> new SvgCharts.Series(m.model().id(), m.layerNumbers(), m.values(isTrained, figure)))
                .toList();
        return SvgCharts.lines(title, yLabel, "hidden layer", series);
    }

    /** One line per model and state ("d10-w100" trained, "d10-w100 init" untrained). */
    private static String bothStates(
            String title, String yLabel, List<ModelFigures> models, ToDoubleFunction<LayerFigures> figure) {
        List<SvgCharts.Series> series = new ArrayList<>();
        for (boolean isTrained : new boolean[] {true, false}) {
            for (ModelFigures m : models) {
                series.add(new SvgCharts.Series(
                        m.model().id() + (isTrained ? "" : " init"), m.layerNumbers(), m.values(isTrained, figure)));
            }
        }
        return SvgCharts.lines(title, yLabel, "hidden layer", series);
    }

    /**
     * The pooled S1 or S2 histogram of one layer, trained and untrained, drawn over {@value #DRAWN_BINS} bins (each
     * the sum of B / {@value #DRAWN_BINS} of the SPEC §2 bins: 100 bins of mostly single neurons are unreadable).
     */
    private static String histogram(String title, ModelFigures model, int layer, boolean s1) {
        List<SvgCharts.Series> series = new ArrayList<>();
        for (boolean isTrained : new boolean[] {true, false}) {
            LayerFigures l = model.layers(isTrained).get(layer - 1);
            int[] h = s1 ? l.histogramS1() : l.histogramS2();
            double[] drawn = new double[DRAWN_BINS];
            for (int b = 0; b < h.length; b++) {
                drawn[b * DRAWN_BINS / h.length] += h[b];
            }
            series.add(new SvgCharts.Series(
                    isTrained ? "trained" : "untrained",
                    IntStream.range(0, DRAWN_BINS).toArray(),
                    drawn));
        }
        return SvgCharts.lines(
                title,
                "neuron-class pairs",
                "frequency bin b: [b/" + DRAWN_BINS + ", (b+1)/" + DRAWN_BINS + ")",
                series);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
