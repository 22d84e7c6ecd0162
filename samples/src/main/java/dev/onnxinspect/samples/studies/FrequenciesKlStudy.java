package dev.onnxinspect.samples.studies;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.data.MnistDigits;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.report.FrequencyHistogram;
import dev.onnxinspect.report.Significance;
import dev.onnxinspect.report.StudyCharts;
import dev.onnxinspect.samples.demo.TrainingStep;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ClassCounts;
import dev.onnxinspect.stats.ClassProfiles;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.KlDivergence;
import dev.onnxinspect.stats.KlMatrix;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Study {@code frequencies-kl}: class-wise activation frequencies (SPEC §1-2) and class-wise KL divergences (SPEC §4)
 * of the demo MLP (784-256-128-10, ReLU, Adam) on Fashion-MNIST, untrained (its initial weights, epoch 0) against
 * trained, with the MNIST digits as out-of-distribution data and two covariate shifts of the ID set (rotated, blurred:
 * {@link ImageShifts}; same images, same labels).
 *
 * <p>The Fashion-MNIST test set is split in two halves A and B: A is the ID set, B gives the ID-vs-ID baseline of the
 * same-class KL (two samples of the same distribution), and the shifted sets are copies of A. Both networks are
 * inspected with the library's {@link Audit} (S1 and S2, tau 0, eps 1000, 100 bins, alpha 1e-6), without detectors.
 * Choice: the digits' classes are the network's predictions (their labels are digits, not Fashion-MNIST classes); the
 * shifted copies keep their true labels. Choice: "sparser" is a lower S1 active fraction on the ID set; "more class
 * specific" a larger mean cross-class KL(P_c || P_c') over the ordered pairs c != c' of the ID set; "polarised"
 * the share of (class, neuron) frequencies below 0.05 or at least 0.95 (from the exact histogram bins 0-4 and 95-99).
 * Writes {@code index.html}, {@code summary.md}, {@code measures.csv}, {@code readme-line.md} and both models.
 */
public final class FrequenciesKlStudy implements Study {
    private static final Logger LOG = LoggerFactory.getLogger(FrequenciesKlStudy.class);
    private static final String NAME = "frequencies-kl";
    private static final int BINS = 100;
    private static final double ROTATION = 30;
    private static final double BLUR = 1.5;
    private static final String ID = "fashion-test-a";
    private static final String ID_B = "fashion-test-b";
    private static final String DIGITS = "mnist-digits";

    /** Sizes of a run: training samples and epochs, ID half, digits. */
    private record Sizes(int train, int epochs, int half, int digits) {}

    /** One network's measures per layer. */
    private record Measures(
            String model,
            List<String> layers,
            double[] active,
            double[] activeS2,
            double[] crossKl,
            double[] polarised,
            Map<String, double[]> sameClassTo,
            Map<String, double[]> sameClassFrom,
            Map<String, Double> accuracy,
            AuditResult audit) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Class-wise activation frequencies (S1/S2) and KL, untrained vs trained MLP; ID vs OOD digits and"
                + " vs rotated/blurred Fashion-MNIST (covariate shift), both KL directions.";
    }

    @Override
    public StudyPage run(Path out, boolean quick, long seed) throws Exception {
        long start = System.nanoTime();
        Sizes sizes = quick ? new Sizes(2000, 2, 300, 300) : new Sizes(60_000, 10, 5000, 10_000);
        InMemoryDataset trainAll = FashionMnist.train();
        InMemoryDataset train = sizes.train() >= trainAll.size() ? trainAll : trainAll.subset(0, sizes.train());
        InMemoryDataset test = FashionMnist.test();
        InMemoryDataset a = test.subset(0, sizes.half()).named(ID);
        InMemoryDataset b = test.subset(sizes.half(), 2 * sizes.half()).named(ID_B);
        InMemoryDataset digits = unlabelledSpread(MnistDigits.load(), sizes.digits());
        InMemoryDataset rotated = ImageShifts.rotated(a, ROTATION);
        InMemoryDataset blurred = ImageShifts.blurred(a, BLUR);
        List<InMemoryDataset> others = List.of(b, digits, rotated, blurred);

        TrainingStep.Result trained = TrainingStep.trainMlp(train, a, sizes.epochs(), seed, out);
        Path untrainedModel = out.resolve("model-untrained.onnx");
        OnnxExporter.export(
                        TrainingStep.DEMO_MLP,
                        trained.run().parameters(0),
                        ExportOptions.builder().metadata(trained.parameters()).build())
                .save(untrainedModel);
        List<String> layers = new ArrayList<>();
        for (int i = 1; i <= TrainingStep.DEMO_MLP.hiddenWidths().length; i++) {
            layers.add("dense" + i + "/relu");
        }
        Measures before = measure("untrained", untrainedModel, layers, a, others);
        Measures after = measure("trained", trained.modelFile(), layers, a, others);

        double seconds = (System.nanoTime() - start) / 1e9;
        StudyPage page = StudyPage.create(
                        "Class-wise activation frequencies and KL: ID vs OOD, covariate shift, untrained vs trained",
                        "the class-wise activation-pattern study behind onnx-inspect (SPEC §1, §2 and §4)")
                .parameter("model", "MLP 784-256-128-10, ReLU, Adam lr 1e-3, batch 128 (the demo's)")
                .parameter("training", train.size() + " Fashion-MNIST training images, " + sizes.epochs() + " epochs")
                .parameter(
                        "final test accuracy (on A)",
                        fmt(TrainingStep.last(trained).testAccuracy()))
                .parameter("ID set A", "Fashion-MNIST test 0.." + (sizes.half() - 1) + " (true labels)")
                .parameter("ID set B", "Fashion-MNIST test " + sizes.half() + ".." + (2 * sizes.half() - 1))
                .parameter("OOD", digits.size() + " MNIST digits, spread over the digits; classes = predictions")
                .parameter(
                        "covariate shifts of A",
                        "rotated " + fmt(ROTATION) + " degrees; Gaussian blur sigma " + fmt(BLUR) + " px (same labels)")
                .parameter("statistics", "S1 tau 0, S2 eps 1000, " + BINS + " bins, KL alpha 1e-6")
                .parameter("seed", seed)
                .parameter("quick", quick)
                .parameter("wall time (s)", String.format(Locale.ROOT, "%.0f", seconds));
        claims(page, before, after, quick);
        figures(page, before, after, layers);
        tables(page, before, after);
        page.write(out);
        AtomicFiles.write(
                out.resolve("measures.csv"), csv(List.of(before, after)).getBytes(StandardCharsets.UTF_8));
        int last = layers.size() - 1;
        String line = String.format(
                Locale.ROOT,
                "%s: S1 active fraction untrained %s vs trained %s; cross-class KL %s vs %s; last hidden layer,"
                        + " same-class KL(A_c \u2016 B_c) %s, (A_c \u2016 digits_c) %s,"
                        + " (A_c \u2016 rotated_c) %s; trained test accuracy %s; %.0f s",
                Studies.supportedCount(page),
                list(before.active()),
                list(after.active()),
                list(before.crossKl()),
                list(after.crossKl()),
                fmt(after.sameClassTo().get(ID_B)[last]),
                fmt(after.sameClassTo().get(DIGITS)[last]),
                fmt(after.sameClassTo().get(rotated.name())[last]),
                fmt(TrainingStep.last(trained).testAccuracy()),
                seconds);
        AtomicFiles.write(out.resolve(README_FRAGMENT), (line + "\n").getBytes(StandardCharsets.UTF_8));
        LOG.info("study {} written to {}", NAME, out);
        return page;
    }

    /** The first {@code n} of every {@code size / n}-th sample, without labels (the digits come ordered by digit). */
    static InMemoryDataset unlabelledSpread(InMemoryDataset d, int n) {
        int count = (int) Math.min(n, d.size());
        long step = d.size() / count;
        float[] images = new float[count * d.sampleSize()];
        for (int i = 0; i < count; i++) {
            System.arraycopy(d.sample((int) (i * step)), 0, images, i * d.sampleSize(), d.sampleSize());
        }
        return InMemoryDataset.of(DIGITS, images, null, d.sampleShape());
    }

    private static AuditResult audit(Path model, List<String> layers, InMemoryDataset id, List<InMemoryDataset> ood)
            throws IOException {
        return Audit.builder(model)
                .id(id)
                .ood(ood)
                .layers(layers)
                .bins(BINS)
                .interactions(false)
                .nodeClassifiers(0, 0)
                .patterns(false)
                .run();
    }

    private static Measures measure(
            String model, Path file, List<String> layers, InMemoryDataset id, List<InMemoryDataset> others)
            throws IOException {
        AuditResult result = audit(file, layers, id, others);
        Map<String, DatasetResult> sets = new LinkedHashMap<>();
        result.datasets().forEach(d -> sets.put(d.name(), d));
        int n = layers.size();
        double[] active = new double[n];
        double[] activeS2 = new double[n];
        double[] cross = new double[n];
        double[] polarised = new double[n];
        Map<String, double[]> to = new LinkedHashMap<>();
        Map<String, double[]> from = new LinkedHashMap<>();
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (DatasetResult d : result.datasets()) {
            accuracy.put(d.name(), d.accuracy());
        }
        for (int l = 0; l < n; l++) {
            ActivationFrequencies idFreq =
                    sets.get(id.name()).layers().get(layers.get(l)).frequencies();
            active[l] = activeFraction(idFreq.s1Table());
            activeS2[l] = activeFraction(idFreq.s2Table());
            polarised[l] = polarised(idFreq.s1Table());
            ClassProfiles p = ClassProfiles.of(idFreq.s1Table());
            cross[l] = meanOffDiagonal(KlDivergence.within(p, id.name()));
            for (InMemoryDataset other : others) {
                ClassProfiles q = ClassProfiles.of(sets.get(other.name())
                        .layers()
                        .get(layers.get(l))
                        .frequencies()
                        .s1Table());
                to.computeIfAbsent(other.name(), k -> new double[n])[l] =
                        meanDiagonal(KlDivergence.between(p, id.name(), q, other.name()));
                from.computeIfAbsent(other.name(), k -> new double[n])[l] =
                        meanDiagonal(KlDivergence.between(q, other.name(), p, id.name()));
            }
        }
        LOG.info("{}: active fractions {}, cross-class KL {}", model, list(active), list(cross));
        return new Measures(model, layers, active, activeS2, cross, polarised, to, from, accuracy, result);
    }

    /** SPEC §2 active fraction over all classes: significant (sample, neuron) pairs / (N * n), from the counts. */
    static double activeFraction(FrequencyTable table) {
        long significant = 0;
        long pairs = 0;
        for (ClassCounts c : table.classes()) {
            significant += c.significantTotal();
            pairs += (long) c.classSize() * c.units();
        }
        return (double) significant / pairs;
    }

    /** The share of (class, neuron) frequencies in bins 0-4 or 95-99 of 100 (below 0.05, or 0.95 and above). */
    static double polarised(FrequencyTable table) {
        long extreme = 0;
        long all = 0;
        for (ClassCounts c : table.classes()) {
            int[] h = c.histogram(BINS);
            for (int bin = 0; bin < BINS; bin++) {
                all += h[bin];
                if (bin < 5 || bin >= 95) {
                    extreme += h[bin];
                }
            }
        }
        return (double) extreme / all;
    }

    /** Mean of KL(P_c || P_c') over ordered pairs of different classes. */
    static double meanOffDiagonal(KlMatrix m) {
        double sum = 0;
        int count = 0;
        int[] pc = m.pClasses();
        int[] qc = m.qClasses();
        for (int r = 0; r < pc.length; r++) {
            for (int k = 0; k < qc.length; k++) {
                if (pc[r] != qc[k]) {
                    sum += m.get(pc[r], qc[k]);
                    count++;
                }
            }
        }
        return sum / count;
    }

    /** Mean of the same-class entries KL(P_c || Q_c) over the classes present in both sets. */
    static double meanDiagonal(KlMatrix m) {
        double sum = 0;
        int count = 0;
        int[] qc = m.qClasses();
        for (int c : m.pClasses()) {
            for (int q : qc) {
                if (q == c) {
                    sum += m.get(c, c);
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private static Verdict verdict(boolean quick, boolean holds) {
        return quick ? Verdict.INCONCLUSIVE : Verdict.of(holds);
    }

    private static boolean all(double[] left, double[] right, boolean greater) {
        for (int l = 0; l < left.length; l++) {
            if (greater ? !(left[l] > right[l]) : !(left[l] < right[l])) {
                return false;
            }
        }
        return true;
    }

    private static void claims(StudyPage page, Measures before, Measures after, boolean quick) {
        String quickNote = quick ? " (a --quick run decides nothing: inconclusive)" : "";
        page.claim(new Claim(
                "Trained networks have sparser activation patterns than untrained ones.",
                "S1 active fraction on ID per layer: untrained " + list(before.active()) + ", trained "
                        + list(after.active()),
                verdict(quick, all(after.active(), before.active(), false)),
                "supported when the trained active fraction is below the untrained one in every layer" + quickNote));
        page.claim(new Claim(
                "Trained networks have more class-specific activation patterns than untrained ones.",
                "mean cross-class KL(P_c || P_c'), S1, ID, per layer: untrained " + list(before.crossKl())
                        + ", trained " + list(after.crossKl()) + " nats",
                verdict(quick, all(after.crossKl(), before.crossKl(), true)),
                "supported when the trained mean cross-class KL exceeds the untrained one in every layer" + quickNote));
        page.claim(new Claim(
                "Training polarises the class-wise frequency histograms (neurons almost always or almost never on"
                        + " for a class).",
                "share of (class, neuron) S1 frequencies < 0.05 or >= 0.95: untrained " + list(before.polarised())
                        + ", trained " + list(after.polarised()),
                verdict(quick, all(after.polarised(), before.polarised(), true)),
                "supported when the trained share exceeds the untrained one in every layer" + quickNote));
        double[] act = after.active();
        boolean deeperSparser = true;
        for (int l = 1; l < act.length; l++) {
            deeperSparser &= act[l] < act[l - 1];
        }
        page.claim(new Claim(
                "Sparsity grows with depth in a trained network.",
                "trained S1 active fraction by layer (input side first): " + list(act),
                verdict(quick, deeperSparser),
                "supported when the active fraction falls from each layer to the next (this MLP has "
                        + act.length + " hidden layers; the depth grid is the perplexity-nodes study's)"
                        + quickNote));
        double[] base = after.sameClassTo().get(ID_B);
        double[] baseBack = after.sameClassFrom().get(ID_B);
        page.claim(new Claim(
                "Same-class KL between ID and OOD data exceeds the same-class KL between two ID samples.",
                "trained, S1, mean over classes: KL(A_c || digits_c) "
                        + list(after.sameClassTo().get(DIGITS))
                        + ", KL(digits_c || A_c) " + list(after.sameClassFrom().get(DIGITS)) + " vs KL(A_c || B_c) "
                        + list(base) + ", KL(B_c || A_c) " + list(baseBack),
                verdict(
                        quick,
                        all(after.sameClassTo().get(DIGITS), base, true)
                                && all(after.sameClassFrom().get(DIGITS), baseBack, true)),
                "supported when both directions exceed the ID-vs-ID baseline in every layer; the digits' classes are"
                        + " the network's predictions" + quickNote));
        for (String shifted : List.of(ID + "-rotated" + fmtName(ROTATION), ID + "-blurred" + fmtName(BLUR))) {
            double[] to = after.sameClassTo().get(shifted);
            double[] from = after.sameClassFrom().get(shifted);
            page.claim(new Claim(
                    "Covariate shift (" + shifted + ", same images and labels) raises the same-class KL above the"
                            + " ID-vs-ID baseline, in both directions.",
                    "trained, S1: KL(A_c || shifted_c) " + list(to) + ", KL(shifted_c || A_c) " + list(from)
                            + " vs baseline " + list(base) + " / " + list(baseBack),
                    verdict(quick, all(to, base, true) && all(from, baseBack, true)),
                    "supported when both directions exceed the A-vs-B baseline in every layer" + quickNote));
            double[] ratioAfter = ratio(to, base);
            double[] ratioBefore = ratio(
                    before.sameClassTo().get(shifted), before.sameClassTo().get(ID_B));
            page.claim(new Claim(
                    "Training makes the class-wise patterns more sensitive to the covariate shift (" + shifted + ").",
                    "KL(A_c || shifted_c) / KL(A_c || B_c) per layer: untrained " + list(ratioBefore) + ", trained "
                            + list(ratioAfter),
                    verdict(quick, all(ratioAfter, ratioBefore, true)),
                    "supported when the trained ratio exceeds the untrained one in every layer (a ratio to each"
                            + " network's own ID-vs-ID baseline, since sparser patterns have larger KL in general)"
                            + quickNote));
        }
    }

    private static double[] ratio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static void figures(StudyPage page, Measures before, Measures after, List<String> layers) {
        List<String> captions = new ArrayList<>();
        List<String> svgs = new ArrayList<>();
        page.section("Sparsity and class specificity, untrained vs trained");
        addLines(
                captions,
                svgs,
                "sparsity",
                "S1 active fraction on ID per layer",
                "active fraction",
                layers,
                before,
                after,
                Measures::active);
        addLines(
                captions,
                svgs,
                "cross-kl",
                "Mean cross-class KL within ID (S1) per layer",
                "nats",
                layers,
                before,
                after,
                Measures::crossKl);
        addLines(
                captions,
                svgs,
                "polarised",
                "Share of polarised class-wise frequencies (S1)",
                "share",
                layers,
                before,
                after,
                Measures::polarised);
        page.figures(captions, svgs);

        page.section("Class-wise frequency histograms (ID set A)");
        page.paragraph("Per layer and significance: the number of neurons per frequency bin, summed over the 10"
                + " classes, for the untrained and the trained network.");
        for (Measures m : List.of(before, after)) {
            captions = new ArrayList<>();
            svgs = new ArrayList<>();
            DatasetResult id = m.audit().id();
            for (String layer : layers) {
                ActivationFrequencies f = id.layers().get(layer).frequencies();
                for (Significance s : Significance.values()) {
                    FrequencyTable table = s == Significance.S1 ? f.s1Table() : f.s2Table();
                    int[] classes = table.classIds();
                    int[][] neurons = new int[classes.length][];
                    for (int c = 0; c < classes.length; c++) {
                        neurons[c] = table.histogram(classes[c]);
                    }
                    FrequencyHistogram h = new FrequencyHistogram(layer, s, ID, names(classes), neurons);
                    captions.add(m.model() + " network, " + layer + ", " + s);
                    svgs.add(StudyCharts.histogram(
                            h, "histogram-" + m.model() + "-" + layer.replace('/', '-') + "-" + s));
                }
            }
            page.paragraph(m.model() + " network");
            page.figures(captions, svgs);
        }

        page.section("Same-class KL: ID vs ID, OOD and shifted copies (trained)");
        captions = new ArrayList<>();
        svgs = new ArrayList<>();
        for (Measures m : List.of(before, after)) {
            List<StudyCharts.Line> lines = new ArrayList<>();
            for (var e : m.sameClassTo().entrySet()) {
                lines.add(line("KL(A||" + e.getKey().replace(ID + "-", "") + ")", e.getValue()));
            }
            for (var e : m.sameClassFrom().entrySet()) {
                lines.add(line("KL(" + e.getKey().replace(ID + "-", "") + "||A)", e.getValue()));
            }
            captions.add("Mean same-class KL per layer, " + m.model());
            svgs.add(StudyCharts.lines(
                    "same-class-" + m.model(),
                    "Same-class KL, " + m.model() + " network",
                    "layer",
                    "nats",
                    layers,
                    lines));
        }
        page.figures(captions, svgs);

        page.section("KL matrices of the trained network (last hidden layer, S1)");
        String last = layers.get(layers.size() - 1);
        Map<String, DatasetResult> sets = new LinkedHashMap<>();
        after.audit().datasets().forEach(d -> sets.put(d.name(), d));
        ClassProfiles p =
                ClassProfiles.of(sets.get(ID).layers().get(last).frequencies().s1Table());
        captions = new ArrayList<>();
        svgs = new ArrayList<>();
        int k = 0;
        for (String other : List.of(ID, DIGITS, ID + "-rotated" + fmtName(ROTATION))) {
            ClassProfiles q = ClassProfiles.of(
                    sets.get(other).layers().get(last).frequencies().s1Table());
            KlMatrix m = KlDivergence.between(p, ID, q, other);
            captions.add("KL(" + ID + "_c || " + other + "_c')");
            svgs.add(StudyCharts.klHeatmap(
                    last,
                    "S1",
                    m.pLabel(),
                    m.qLabel(),
                    names(m.pClasses()),
                    names(m.qClasses()),
                    m.values(),
                    "kl-" + k++));
        }
        page.figures(captions, svgs);
    }

    private static void addLines(
            List<String> captions,
            List<String> svgs,
            String id,
            String caption,
            String yTitle,
            List<String> layers,
            Measures before,
            Measures after,
            ToDoubleArray values) {
        captions.add(caption);
        svgs.add(StudyCharts.lines(
                id,
                caption,
                "layer",
                yTitle,
                layers,
                List.of(line("untrained", values.of(before)), line("trained", values.of(after)))));
    }

    private interface ToDoubleArray {
        double[] of(Measures m);
    }

    private static StudyCharts.Line line(String label, double[] values) {
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return new StudyCharts.Line(label, x, values);
    }

    private static List<String> names(int[] classes) {
        List<String> names = new ArrayList<>();
        for (int c : classes) {
            names.add(FashionMnist.CLASS_NAMES.get(c));
        }
        return names;
    }

    private static void tables(StudyPage page, Measures before, Measures after) {
        List<String> header =
                new ArrayList<>(List.of("network", "layer", "S1 active", "S2 active", "cross-class KL", "polarised"));
        for (String other : before.sameClassTo().keySet()) {
            String shortName = other.replace(ID + "-", "");
            header.add("KL(A||" + shortName + ")");
            header.add("KL(" + shortName + "||A)");
        }
        List<List<String>> rows = new ArrayList<>();
        for (Measures m : List.of(before, after)) {
            for (int l = 0; l < m.layers().size(); l++) {
                List<String> row = new ArrayList<>(List.of(
                        m.model(),
                        m.layers().get(l),
                        fmt(m.active()[l]),
                        fmt(m.activeS2()[l]),
                        fmt(m.crossKl()[l]),
                        fmt(m.polarised()[l])));
                for (String other : m.sameClassTo().keySet()) {
                    row.add(fmt(m.sameClassTo().get(other)[l]));
                    row.add(fmt(m.sameClassFrom().get(other)[l]));
                }
                rows.add(row);
            }
        }
        page.section("Measures per layer");
        page.table("Per network and layer (S1 unless stated; KL in nats, mean over classes)", header, rows);
        List<List<String>> acc = new ArrayList<>();
        for (String set : after.accuracy().keySet()) {
            double u = before.accuracy().get(set);
            double t = after.accuracy().get(set);
            acc.add(List.of(
                    set, Double.isNaN(u) ? "n/a (no labels)" : fmt(u), Double.isNaN(t) ? "n/a (no labels)" : fmt(t)));
        }
        page.table("Accuracy per set", List.of("set", "untrained", "trained"), acc);
    }

    private static String csv(List<Measures> all) {
        StringBuilder csv = new StringBuilder("network,layer,measure,value\n");
        for (Measures m : all) {
            for (int l = 0; l < m.layers().size(); l++) {
                String prefix = m.model() + "," + m.layers().get(l) + ",";
                csv.append(prefix)
                        .append("s1_active_fraction,")
                        .append(m.active()[l])
                        .append('\n');
                csv.append(prefix)
                        .append("s2_active_fraction,")
                        .append(m.activeS2()[l])
                        .append('\n');
                csv.append(prefix)
                        .append("cross_class_kl,")
                        .append(m.crossKl()[l])
                        .append('\n');
                csv.append(prefix)
                        .append("polarised_share,")
                        .append(m.polarised()[l])
                        .append('\n');
                for (String other : m.sameClassTo().keySet()) {
                    csv.append(prefix)
                            .append("same_class_kl_a_to_")
                            .append(other)
                            .append(',')
                            .append(m.sameClassTo().get(other)[l])
                            .append('\n');
                    csv.append(prefix)
                            .append("same_class_kl_")
                            .append(other)
                            .append("_to_a,")
                            .append(m.sameClassFrom().get(other)[l])
                            .append('\n');
                }
            }
        }
        return csv.toString();
    }

    private static String list(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(fmt(v));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String fmtName(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
