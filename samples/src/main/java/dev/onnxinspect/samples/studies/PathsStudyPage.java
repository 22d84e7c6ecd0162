package dev.onnxinspect.samples.studies;

import dev.onnxinspect.dynamics.EarlyToMidRatio;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.StepRange;
import dev.onnxinspect.dynamics.StepSummary;
import dev.onnxinspect.samples.dynamics.SvgCharts;
import dev.onnxinspect.stats.StatsException;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Renders the path study's results page from one run's figures: the claims with their verdicts, the reference models'
 * path similarity box plots and tables (part a), and the population's scatter plots, correlations and per-model table
 * (part b). Every number on the page is computed here from the run's results.
 *
 * <p>Choice (verdicts): the self-similarity claim is supported when, in every layer of both reference models, step 1
 * (epoch 0 to 1) has the lowest mean self similarity of all steps; the early-to-mid claim when every layer's
 * cross-pattern ratio is below 1; a correlation claim when the 95% interval of Spearman's rho excludes 0 (either
 * sign: the direction is reported), else inconclusive.
 */
final class PathsStudyPage {
    private final PathsStudy.Settings settings;
    private final long seed;
    private final boolean quick;
    private final List<PathModelSpec> specs;
    private final List<PathModelResult> results;
    private final List<PathsStudy.Reference> references;
    private final List<Double> noiseLevels;

    PathsStudyPage(
            PathsStudy.Settings settings,
            long seed,
            boolean quick,
            List<PathModelSpec> specs,
            List<PathModelResult> results,
            List<PathsStudy.Reference> references) {
        if (specs.size() != results.size()) {
            throw new IllegalArgumentException(specs.size() + " models but " + results.size() + " results");
        }
        this.settings = settings;
        this.seed = seed;
        this.quick = quick;
        this.specs = List.copyOf(specs);
        this.results = List.copyOf(results);
        this.references = List.copyOf(references);
        this.noiseLevels = specs.stream()
                .map(PathModelSpec::labelNoise)
                .distinct()
                .sorted()
                .toList();
    }

    /** The page; {@code trainedNow} models were trained by this run, the others read back. */
    StudyPage render(int trainedNow, double seconds, TrainingConfig config) {
        StudyPage page = StudyPage.create(
                "Activation paths across training" + (quick ? " (--quick)" : ""),
                "the path study behind onnx-inspect: S1 activation paths of a fixed probe set followed across"
                        + " training checkpoints (SPEC \u00a79), and the early-to-mid cross path ratio against"
                        + " generalisation over many models");
        page.parameter(
                        "data",
                        "Fashion-MNIST: training images 0.." + (settings.train() - 1) + ", test images 0.."
                                + (settings.test() - 1) + " (test accuracy, clean labels)")
                .parameter(
                        "probe set",
                        settings.probe() + " test images 0.." + (settings.probe() - 1) + ", all "
                                + (long) settings.probe() * (settings.probe() - 1) / 2 + " pairs")
                .parameter("training", config.describe() + " (each model replaces seed and weight_decay)")
                .parameter(
                        "early / middle range",
                        range(settings.early()) + " / " + range(settings.middle())
                                + " (step t compares checkpoints t-1 and t)")
                .parameter(
                        "reference models",
                        "784-" + widths(references.get(0).spec()) + "-10 ReLU, q = 0 and q = "
                                + PathsStudy.REFERENCE_NOISE)
                .parameter("population", specs.size() + " ReLU MLPs: " + populationText())
                .parameter(
                        "models trained by this run",
                        trainedNow + " (the other " + (specs.size() - trainedNow) + " were read back from models/)")
                .parameter("workers", PathsStudy.WORKERS + " (one PyTorch and one ONNX Runtime thread each)")
                .parameter("seed", seed)
                .parameter("wall time", String.format(Locale.ROOT, "%.0f s", seconds));
        Optional<Correlation> patternRho = correlation(true, PathModelResult::patternRatio, PathModelResult::testError);
        Optional<Correlation> activationRho =
                correlation(true, PathModelResult::activationRatio, PathModelResult::testError);
        page.claim(selfSimilarityClaim())
                .claim(earlyToMidClaim())
                .claim(correlationClaim("cross-pattern", patternRho))
                .claim(correlationClaim("cross-activation", activationRho));
        referenceSections(page);
        populationSections(page);
        return page;
    }

    private Claim selfSimilarityClaim() {
        boolean all = true;
        List<String> parts = new ArrayList<>();
        for (PathsStudy.Reference r : references) {
            for (PathSimilarityResult layer : r.dynamics().paths()) {
                List<StepSummary> steps = layer.summaries(PathKind.SELF);
                double first = steps.get(0).mean();
                double laterMin = steps.stream()
                        .skip(1)
                        .mapToDouble(StepSummary::mean)
                        .min()
                        .orElse(Double.NaN);
                all &= steps.size() > 1 && first < laterMin;
                parts.add(String.format(
                        Locale.ROOT, "%s %s: %.3f vs %.3f", r.spec().id(), layer.layer(), first, laterMin));
            }
        }
        return new Claim(
                "Activation paths change most at the start of training: the self similarity of step 1 (epoch 0 to 1)"
                        + " is the lowest of all steps",
                "mean self similarity at step 1 vs the lowest later step: " + String.join("; ", parts),
                Verdict.of(all),
                "supported when step 1 has the lowest mean self similarity in every layer of both reference models");
    }

    private Claim earlyToMidClaim() {
        boolean all = true;
        List<String> parts = new ArrayList<>();
        for (PathsStudy.Reference r : references) {
            for (PathSimilarityResult layer : r.dynamics().paths()) {
                EarlyToMidRatio ratio =
                        layer.earlyToMidRatio(PathKind.CROSS_PATTERN, settings.early(), settings.middle());
                all &= ratio.ratio() < 1;
                parts.add(String.format(Locale.ROOT, "%s %s: %.3f", r.spec().id(), layer.layer(), ratio.ratio()));
            }
        }
        return new Claim(
                "Cross paths are less stable early in training than in its middle: the early-to-mid ratio of the"
                        + " cross-pattern similarity is below 1",
                "early-to-mid ratio " + range(settings.early()) + " / " + range(settings.middle()) + ": "
                        + String.join("; ", parts),
                Verdict.of(all),
                "supported when the ratio is below 1 in every layer of both reference models");
    }

    private Claim correlationClaim(String kind, Optional<Correlation> rho) {
        String measured = rho.map(c -> c.describe() + " (" + (c.coefficient() > 0 ? "higher" : "lower")
                        + " ratio goes with higher test error)")
                .orElse("undefined: a figure was the same for every model");
        Verdict verdict = rho.filter(Correlation::excludesZero).isPresent() ? Verdict.SUPPORTED : Verdict.INCONCLUSIVE;
        return new Claim(
                "The early-to-mid ratio of the " + kind + " similarity (last hidden layer) correlates with"
                        + " generalisation error across models",
                measured + "; Pearson and the generalisation gap are in the correlation table",
                verdict,
                "supported when the 95% interval of Spearman's rho between the ratio and the test error (1 - clean"
                        + " test accuracy) excludes 0, else inconclusive");
    }

    private void referenceSections(StudyPage page) {
        page.section("(a) Path similarities across checkpoints (SPEC \u00a79)")
                .paragraph("Per checkpoint step t: the distribution over the probe samples (self) or all pairs"
                        + " (cross) of the cosine between checkpoints t-1 and t. Box = quartiles, red line = median,"
                        + " whiskers = min and max. The Arrow tables (path_similarity, training_history) and"
                        + " weight_norms.csv of each model are under reference/<model>/.");
        List<String> captions = new ArrayList<>();
        List<String> svgs = new ArrayList<>();
        List<SvgCharts.Series> accuracy = new ArrayList<>();
        for (PathsStudy.Reference r : references) {
            int[] epochs =
                    r.run().history().stream().mapToInt(EpochRecord::epoch).toArray();
            accuracy.add(new SvgCharts.Series(
                    r.spec().id().replace("reference-", "") + " train",
                    epochs,
                    r.run().history().stream()
                            .mapToDouble(EpochRecord::trainAccuracy)
                            .toArray()));
            accuracy.add(new SvgCharts.Series(
                    r.spec().id().replace("reference-", "") + " test",
                    epochs,
                    r.run().history().stream()
                            .mapToDouble(EpochRecord::testAccuracy)
                            .toArray()));
        }
        page.figures(
                List.of("train accuracy (on the labels trained on) and clean test accuracy per epoch"),
                List.of(SvgCharts.lines("reference models: accuracy", "accuracy", accuracy)));
        for (PathsStudy.Reference r : references) {
            page.section("Reference model " + r.spec().id() + " (" + r.name() + ")");
            for (PathSimilarityResult layer : r.dynamics().paths()) {
                captions.clear();
                svgs.clear();
                for (PathKind kind : PathKind.values()) {
                    captions.add(r.spec().id() + ", " + layer.layer() + " (" + layer.units() + " units): "
                            + kind.tableName() + " similarity per step");
                    svgs.add(SvgCharts.boxPlots(layer.layer() + ": " + kind.tableName(), layer.summaries(kind)));
                }
                page.figures(captions, svgs);
            }
            stepTables(page, r);
        }
    }

    private void stepTables(StudyPage page, PathsStudy.Reference r) {
        List<String> header = new ArrayList<>(List.of("step"));
        for (PathSimilarityResult layer : r.dynamics().paths()) {
            for (PathKind kind : PathKind.values()) {
                header.add(layer.layer() + " " + kind.tableName());
            }
        }
        header.add("test accuracy");
        List<List<String>> rows = new ArrayList<>();
        for (int step : r.dynamics().paths().get(0).steps()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(step)));
            for (PathSimilarityResult layer : r.dynamics().paths()) {
                for (PathKind kind : PathKind.values()) {
                    StepSummary s = layer.summary(step, kind);
                    row.add(String.format(Locale.ROOT, "%.4f (%.4f)", s.median(), s.mean()));
                }
            }
            row.add(f4(r.run().history().get(step).testAccuracy()));
            rows.add(row);
        }
        page.table(r.spec().id() + ": median (mean) similarity per step", header, rows);
        List<List<String>> ratios = new ArrayList<>();
        for (PathSimilarityResult layer : r.dynamics().paths()) {
            for (PathKind kind : List.of(PathKind.CROSS_PATTERN, PathKind.CROSS_ACTIVATION)) {
                EarlyToMidRatio e = layer.earlyToMidRatio(kind, settings.early(), settings.middle());
                ratios.add(
                        List.of(layer.layer(), kind.tableName(), f4(e.earlyMean()), f4(e.middleMean()), f4(e.ratio())));
            }
        }
        page.table(
                r.spec().id() + ": early-to-mid ratio, early " + range(settings.early()) + ", middle "
                        + range(settings.middle()),
                List.of("layer", "kind", "early mean", "middle mean", "early/mid"),
                ratios);
    }

    private void populationSections(StudyPage page) {
        page.section("(b) Early-to-mid ratio against generalisation over " + specs.size() + " models")
                .paragraph("Each point is one model: its last hidden layer's early-to-mid ratio of the cross path"
                        + " similarity (x) against its final test error, 1 - accuracy on the clean test images (y),"
                        + " or its generalisation gap, train accuracy on the (corrupted) labels it was trained on"
                        + " minus test accuracy. Colour = label noise q. Hover a point for the model.");
        List<String> groups = noiseLevels.stream().map(q -> "q = " + q).toList();
        page.figures(
                List.of(
                        "cross-pattern early-to-mid ratio vs test error",
                        "cross-activation early-to-mid ratio vs test error",
                        "cross-pattern early-to-mid ratio vs generalisation gap"),
                List.of(
                        scatter(
                                "cross-pattern ratio vs test error",
                                "early/mid (cross-pattern)",
                                "test error",
                                groups,
                                PathModelResult::patternRatio,
                                PathModelResult::testError),
                        scatter(
                                "cross-activation ratio vs test error",
                                "early/mid (cross-activation)",
                                "test error",
                                groups,
                                PathModelResult::activationRatio,
                                PathModelResult::testError),
                        scatter(
                                "cross-pattern ratio vs gap",
                                "early/mid (cross-pattern)",
                                "train - test accuracy",
                                groups,
                                PathModelResult::patternRatio,
                                PathModelResult::generalisationGap)));
        List<List<String>> correlations = new ArrayList<>();
        addCorrelations(
                correlations, "cross-pattern", "test error", PathModelResult::patternRatio, PathModelResult::testError);
        addCorrelations(
                correlations,
                "cross-activation",
                "test error",
                PathModelResult::activationRatio,
                PathModelResult::testError);
        addCorrelations(
                correlations,
                "cross-pattern",
                "generalisation gap",
                PathModelResult::patternRatio,
                PathModelResult::generalisationGap);
        addCorrelations(
                correlations,
                "cross-activation",
                "generalisation gap",
                PathModelResult::activationRatio,
                PathModelResult::generalisationGap);
        page.table(
                "Correlations with 95% confidence intervals (Fisher z; Spearman with the Bonett-Wright variance)",
                List.of("ratio", "against", "pairs", "method", "coefficient", "95% CI"), correlations);
        page.paragraph("'centred within q': each figure minus the mean of the models with the same label noise q,"
                + " so that the correlation is not just label noise raising both (its interval treats the centred"
                + " values as independent and is slightly too narrow).");
        page.table(
                "Means per label noise level",
                List.of("q", "models", "cross-pattern ratio", "cross-activation ratio", "test error", "gap"),
                noiseLevels.stream().map(this::noiseRow).toList());
        page.table(
                "Per model",
                List.of(
                        "model",
                        "hidden",
                        "q",
                        "changed labels",
                        "regularisation",
                        "train acc",
                        "test acc",
                        "test error",
                        "gap",
                        "cross-pattern early",
                        "middle",
                        "early/mid",
                        "cross-activation" + " early/mid",
                        "seconds"),
                modelRows());
    }

    private List<String> noiseRow(double q) {
        List<PathModelResult> group = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            if (specs.get(k).labelNoise() == q) {
                group.add(results.get(k));
            }
        }
        return List.of(
                Double.toString(q),
                Integer.toString(group.size()),
                f4(mean(group, PathModelResult::patternRatio)),
                f4(mean(group, PathModelResult::activationRatio)),
                f4(mean(group, PathModelResult::testError)),
                f4(mean(group, PathModelResult::generalisationGap)));
    }

    private List<List<String>> modelRows() {
        List<List<String>> rows = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            PathModelSpec s = specs.get(k);
            PathModelResult r = results.get(k);
            rows.add(List.of(
                    s.id(),
                    s.widthsText(),
                    Double.toString(s.labelNoise()),
                    f4(r.realisedNoise()),
                    s.regularisation(),
                    f4(r.trainAccuracy()),
                    f4(r.testAccuracy()),
                    f4(r.testError()),
                    f4(r.generalisationGap()),
                    f4(r.patternEarly()),
                    f4(r.patternMiddle()),
                    f4(r.patternRatio()),
                    f4(r.activationRatio()),
                    String.format(Locale.ROOT, "%.0f", r.seconds())));
        }
        return rows;
    }

    private void addCorrelations(
            List<List<String>> rows,
            String ratio,
            String against,
            ToDoubleFunction<PathModelResult> x,
            ToDoubleFunction<PathModelResult> y) {
        for (boolean centred : List.of(false, true)) {
            for (boolean spearman : List.of(true, false)) {
                Optional<Correlation> c = correlation(spearman, x, y, centred);
                rows.add(List.of(
                        ratio,
                        against + (centred ? ", centred within q" : ""),
                        Integer.toString(results.size()),
                        spearman ? "spearman" : "pearson",
                        c.map(v -> f3(v.coefficient())).orElse("undefined"),
                        c.map(v -> "[" + f3(v.lower()) + ", " + f3(v.upper()) + "]")
                                .orElse("")));
            }
        }
    }

    private Optional<Correlation> correlation(
            boolean spearman, ToDoubleFunction<PathModelResult> x, ToDoubleFunction<PathModelResult> y) {
        return correlation(spearman, x, y, false);
    }

    /** The correlation, or empty when it is undefined (a constant figure, or fewer than 4 models). */
    private Optional<Correlation> correlation(
            boolean spearman,
            ToDoubleFunction<PathModelResult> x,
            ToDoubleFunction<PathModelResult> y,
            boolean centredWithinNoise) {
        double[] xs = values(x, centredWithinNoise);
        double[] ys = values(y, centredWithinNoise);
        try {
            return Optional.of(spearman ? Correlation.spearman(xs, ys) : Correlation.pearson(xs, ys));
        } catch (StatsException e) {
            return Optional.empty();
        }
    }

    /** The figure per model, minus the mean of its label noise group when {@code centred}. */
    double[] values(ToDoubleFunction<PathModelResult> figure, boolean centred) {
        double[] v = new double[results.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = figure.applyAsDouble(results.get(k));
            if (centred) {
                double q = specs.get(k).labelNoise();
                List<PathModelResult> group = new ArrayList<>();
                for (int m = 0; m < specs.size(); m++) {
                    if (specs.get(m).labelNoise() == q) {
                        group.add(results.get(m));
                    }
                }
                v[k] -= mean(group, figure);
            }
        }
        return v;
    }

    private String scatter(
            String title,
            String xLabel,
            String yLabel,
            List<String> groups,
            ToDoubleFunction<PathModelResult> x,
            ToDoubleFunction<PathModelResult> y) {
        List<SvgCharts.Point> points = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            PathModelSpec s = specs.get(k);
            PathModelResult r = results.get(k);
            points.add(new SvgCharts.Point(
                    x.applyAsDouble(r),
                    y.applyAsDouble(r),
                    noiseLevels.indexOf(s.labelNoise()),
                    String.format(
                            Locale.ROOT,
                            "%s: 784-%s-10, q = %s, %s; x = %.4f, y = %.4f",
                            s.id(),
                            s.widthsText(),
                            s.labelNoise(),
                            s.regularisation(),
                            x.applyAsDouble(r),
                            y.applyAsDouble(r))));
        }
        return SvgCharts.scatter(title, xLabel, yLabel, groups, points);
    }

    /**
     * The run's headline as one Markdown line (for the README's generated cell, {@code readme-line.md}): the
     * population's Spearman rho with its interval and verdict, the reference models' cross-pattern ratios, and the
     * wall time.
     */
    String headline(StudyPage page, int trainedNow, double seconds) {
        Claim correlation = page.claims().get(2);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (PathsStudy.Reference r : references) {
            for (PathSimilarityResult layer : r.dynamics().paths()) {
                double ratio = layer.earlyToMidRatio(PathKind.CROSS_PATTERN, settings.early(), settings.middle())
                        .ratio();
                min = Math.min(min, ratio);
                max = Math.max(max, ratio);
            }
        }
        String rho = correlation(true, PathModelResult::patternRatio, PathModelResult::testError)
                .map(Correlation::describe)
                .orElse("correlation undefined");
        return String.format(
                Locale.ROOT,
                "%d MLPs: early-to-mid cross-pattern ratio vs test error %s (%s); reference MLPs' ratios %.2f-%.2f"
                        + " (below 1: %s); wall time %.0f s with %d of the models trained by this run\n",
                specs.size(),
                rho,
                correlation.verdict().label(),
                min,
                max,
                page.claims().get(1).verdict().label(),
                seconds,
                trainedNow);
    }

    /** One CSV line per model: its settings and figures (written next to the page as population.csv). */
    static String populationCsv(List<PathModelSpec> specs, List<PathModelResult> results) {
        StringBuilder csv = new StringBuilder("model,hidden_widths,label_noise,realised_label_noise,weight_decay,"
                + "dropout,seed,train_accuracy,test_accuracy,test_error,generalisation_gap,cross_pattern_early,"
                + "cross_pattern_middle,cross_pattern_ratio,cross_activation_ratio,seconds\n");
        for (int k = 0; k < specs.size(); k++) {
            PathModelSpec s = specs.get(k);
            PathModelResult r = results.get(k);
            csv.append(String.join(
                            ",",
                            s.id(),
                            s.widthsText(),
                            Double.toString(s.labelNoise()),
                            Double.toString(r.realisedNoise()),
                            Double.toString(s.weightDecay()),
                            Double.toString(s.dropout()),
                            Long.toString(s.seed()),
                            Double.toString(r.trainAccuracy()),
                            Double.toString(r.testAccuracy()),
                            Double.toString(r.testError()),
                            Double.toString(r.generalisationGap()),
                            Double.toString(r.patternEarly()),
                            Double.toString(r.patternMiddle()),
                            Double.toString(r.patternRatio()),
                            Double.toString(r.activationRatio()),
                            Double.toString(r.seconds())))
                    .append('\n');
        }
        return csv.toString();
    }

    private String populationText() {
        return "hidden widths "
                + specs.stream().map(PathModelSpec::widthsText).distinct().toList()
                + ", label noise q in " + noiseLevels + ", regularisation "
                + specs.stream().map(PathModelSpec::regularisation).distinct().toList();
    }

    private static double mean(List<PathModelResult> group, ToDoubleFunction<PathModelResult> figure) {
        return group.stream().mapToDouble(figure).average().orElseThrow();
    }

    private static String widths(PathModelSpec spec) {
        return spec.widthsText().replace('x', '-');
    }

    private static String range(StepRange r) {
        return "[" + r.first() + ", " + r.last() + "]";
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
