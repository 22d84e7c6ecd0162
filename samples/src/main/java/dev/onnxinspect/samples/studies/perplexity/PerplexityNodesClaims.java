package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.samples.studies.Claim;
import dev.onnxinspect.samples.studies.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The study's claims, each measured on the grid's results and judged by a stated rule. Trends are Spearman's rho
 * ({@link RankCorrelation}) of a figure against the layer index (in each of the deepest networks) or against the
 * depth D (across the depth series).
 * <p>Choice: a trend "holds" when rho &gt; 0.5 (falls: &lt; -0.5) in every network it is measured in; it is "not
 * supported" when the median rho has the wrong sign or is 0; anything between is inconclusive. A {@code --quick} run
 * (3,000 training images, 3 epochs, a few hundred for the statistics) measures everything but judges nothing: its verdicts are inconclusive.
 */
final class PerplexityNodesClaims {
    /** |rho| above which a trend counts. */
    static final double TREND = 0.5;

    /** The share of layers in which the trained network must have more class-specific neurons. */
    static final double MAJORITY = 0.75;

    private PerplexityNodesClaims() {}

    /** A claim with its one-line headline for the README (short name, verdict, the trained figure). */
    record Judged(Claim claim, String headline) {}

    /** All claims of the study, in page order. */
    static List<Judged> all(List<ModelFigures> results, GridSettings settings, boolean quick) {
        List<ModelFigures> deepest = results.stream()
                .filter(r -> settings.deepest().contains(r.model()))
                .toList();
        List<ModelFigures> depthSeries = results.stream()
                .filter(r -> settings.depthSeries().contains(r.model()))
                .toList();
        List<Judged> claims = new ArrayList<>();
        claims.add(layerTrend(
                "sparsity grows over the layers",
                "Sparsity grows with depth: in a trained network, later hidden layers have fewer active (S1) neurons"
                        + " than earlier ones (SPEC §2, sparsity = 1 - active fraction).",
                "S1 sparsity",
                LayerFigures::sparsity,
                1,
                deepest,
                quick));
        claims.add(depthTrend(depthSeries, settings, quick));
        claims.add(histograms(results, quick));
        claims.add(layerTrend(
                "perplexity falls in later layers",
                "Layer perplexity falls in later layers: deeper layers of a trained network have fewer distinct S1"
                        + " patterns per class (SPEC §7, measured as P(c, l) / N_c, the mean over classes).",
                "P/N_c",
                LayerFigures::relativePerplexity,
                -1,
                deepest,
                quick));
        claims.add(layerTrend(
                "layer accuracy rises with depth",
                "Nodes as classifiers: the layer accuracy rises with depth in a trained network (SPEC §8).",
                "layer accuracy",
                LayerFigures::layerAccuracy,
                1,
                deepest,
                quick));
        return claims;
    }

    /** A trend of a figure over the layers of each of the deepest networks; {@code sign} 1 rises, -1 falls. */
    static Judged layerTrend(
            String shortName,
            String statement,
            String figureName,
            ToDoubleFunction<LayerFigures> figure,
            int sign,
            List<ModelFigures> deepest,
            boolean quick) {
        StringBuilder measured = new StringBuilder();
        double[] trainedRhos = new double[deepest.size()];
        for (boolean isTrained : new boolean[] {true, false}) {
            measured.append(isTrained ? "trained: " : "; untrained: ");
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < deepest.size(); i++) {
                ModelFigures m = deepest.get(i);
                double[] values = m.values(isTrained, figure);
                double rho = RankCorrelation.spearman(m.indices(), values);
                if (isTrained) {
                    trainedRhos[i] = rho;
                }
                parts.add(String.format(
                        Locale.ROOT,
                        "%s rho %.2f (%s %.3f -> %.3f)",
                        m.model().id(),
                        rho,
                        figureName,
                        values[0],
                        values[values.length - 1]));
            }
            measured.append(String.join(", ", parts));
        }
        String word = sign > 0 ? "> " + TREND : "< -" + TREND;
        String rule = "Spearman rho(layer index, " + figureName + ") in each trained network of the deepest depth:"
                + " supported when rho " + word + " in every one; not supported when their median rho is "
                + (sign > 0 ? "<= 0" : ">= 0") + "; else inconclusive (untrained: the control)";
        Verdict verdict = verdict(sign, trainedRhos, quick);
        double[] sorted = trainedRhos.clone();
        Arrays.sort(sorted);
        String headline = String.format(
                Locale.ROOT,
                "%s: %s (trained rho %.2f to %.2f)",
                shortName,
                verdict.label(),
                sorted[0],
                sorted[sorted.length - 1]);
        return new Judged(new Claim(statement, measured.toString(), verdict, quickRule(rule, quick)), headline);
    }

    private static Judged depthTrend(List<ModelFigures> depthSeries, GridSettings settings, boolean quick) {
        double[] depths =
                depthSeries.stream().mapToDouble(m -> m.model().depth()).toArray();
        StringBuilder measured = new StringBuilder();
        double trainedRho = 0;
        for (boolean isTrained : new boolean[] {true, false}) {
            double[] sparsity = depthSeries.stream()
                    .mapToDouble(m -> mean(m.values(isTrained, LayerFigures::sparsity)))
                    .toArray();
            double rho = RankCorrelation.spearman(depths, sparsity);
            if (isTrained) {
                trainedRho = rho;
            }
            measured.append(String.format(
                    Locale.ROOT,
                    "%srho(D, mean S1 sparsity) %.2f (D = %d: %.3f, D = %d: %.3f)",
                    isTrained ? "trained: " : "; untrained: ",
                    rho,
                    (int) depths[0],
                    sparsity[0],
                    (int) depths[depths.length - 1],
                    sparsity[sparsity.length - 1]));
        }
        String rule = "Spearman rho(D, the mean S1 sparsity of the trained network's hidden layers) over the depth"
                + " series: supported when rho > " + TREND + "; not supported when rho <= 0; else inconclusive";
        Verdict verdict = verdict(1, new double[] {trainedRho}, quick);
        return new Judged(
                new Claim(
                        "Deeper networks are sparser: the mean S1 sparsity of a trained network's hidden layers grows"
                                + " with its depth D (" + settings.depthWidth() + " units per layer).",
                        measured.toString(),
                        verdict,
                        quickRule(rule, quick)),
                String.format(Locale.ROOT, "deeper networks sparser: %s (rho %.2f)", verdict.label(), trainedRho));
    }

    private static Judged histograms(List<ModelFigures> results, boolean quick) {
        int layers = 0;
        int more = 0;
        double trainedFraction = 0;
        double untrainedFraction = 0;
        double tv1 = 0;
        double tv2 = 0;
        for (ModelFigures m : results) {
            for (int l = 0; l < m.trained().size(); l++) {
                LayerFigures t = m.trained().get(l);
                LayerFigures u = m.untrained().get(l);
                layers++;
                if (t.classSpecific() > u.classSpecific()) {
                    more++;
                }
                trainedFraction += t.classSpecific();
                untrainedFraction += u.classSpecific();
                tv1 += totalVariation(t.histogramS1(), u.histogramS1());
                tv2 += totalVariation(t.histogramS2(), u.histogramS2());
            }
        }
        String measured = String.format(
                Locale.ROOT,
                "trained > untrained in %d of %d layers; mean class-specific fraction %.3f trained vs %.3f untrained;"
                        + " mean total variation distance between the trained and untrained histograms (summed over"
                        + " classes) %.3f (S1), %.3f (S2)",
                more,
                layers,
                trainedFraction / layers,
                untrainedFraction / layers,
                tv1 / layers,
                tv2 / layers);
        double share = more / (double) layers;
        Verdict verdict = quick
                ? Verdict.INCONCLUSIVE
                : share >= MAJORITY ? Verdict.SUPPORTED : share <= 0.5 ? Verdict.NOT_SUPPORTED : Verdict.INCONCLUSIVE;
        String rule = "per (model, layer) of the whole grid, the fraction of class-specific neurons trained vs"
                + " untrained: supported when trained is larger in at least " + Math.round(MAJORITY * 100)
                + "% of the layers; not supported at 50% or less; else inconclusive";
        return new Judged(
                new Claim(
                        "Training changes the S1/S2 class-wise frequency histograms (SPEC §1-2): trained layers have"
                                + " more class-specific neurons (class-wise S1 frequencies spanning at least "
                                + LayerFigures.CLASS_SPECIFIC_SPREAD + ") than the same network at initialisation.",
                        measured,
                        verdict,
                        quickRule(rule, quick)),
                String.format(
                        Locale.ROOT,
                        "more class-specific neurons after training: %s (%d of %d layers)",
                        verdict.label(),
                        more,
                        layers));
    }

    /** Half the L1 distance between two histograms normalised to sum 1 (0: same shape, 1: disjoint). */
    static double totalVariation(int[] a, int[] b) {
        double sa = 0;
        double sb = 0;
        for (int i = 0; i < a.length; i++) {
            sa += a[i];
            sb += b[i];
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] / sa - b[i] / sb);
        }
        return d / 2;
    }

    /** {@code sign} 1: supported when every rho > TREND; not supported when the median <= 0. Mirrored for -1. */
    static Verdict verdict(int sign, double[] rhos, boolean quick) {
        if (quick || rhos.length == 0) {
            return Verdict.INCONCLUSIVE;
        }
        boolean all = true;
        for (double rho : rhos) {
            all &= sign * rho > TREND;
        }
        if (all) {
            return Verdict.SUPPORTED;
        }
        return sign * median(rhos) <= 0 ? Verdict.NOT_SUPPORTED : Verdict.INCONCLUSIVE;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static String quickRule(String rule, boolean quick) {
        return quick ? "quick run (few samples, 3 epochs): measured, not judged. Full rule: " + rule : rule;
    }
}
