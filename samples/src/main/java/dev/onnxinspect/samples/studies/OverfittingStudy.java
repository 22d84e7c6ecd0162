package dev.onnxinspect.samples.studies;

import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.dynamics.LayerWeightNorm;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.report.StudyCharts;
import dev.onnxinspect.samples.dynamics.CheckpointSeries;
import dev.onnxinspect.samples.dynamics.DynamicsAnalysis;
import dev.onnxinspect.trainers.arch.Mlp;
import dev.onnxinspect.trainers.experiments.CheckpointAccuracy;
import dev.onnxinspect.trainers.experiments.ExtremeOverfitting;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.EpochRecord;
import dev.onnxinspect.trainers.train.OptimizerKind;
import dev.onnxinspect.trainers.train.Trainer;
import dev.onnxinspect.trainers.train.TrainingConfig;
import dev.onnxinspect.trainers.train.TrainingData;
import dev.onnxinspect.trainers.train.TrainingRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Study {@code overfitting}: extreme overfitting points (SPEC §11) and their distance from initialisation (SPEC §10),
 * as the dynamics sample {@code OverfittingDistanceSample} runs them: per seed the 784-256-128-10 ReLU MLP is trained
 * twice from the same initial weights, on a Fashion-MNIST training subset ("normal") and on that subset with copies of
 * a test subset appended under wrong labels (the trainers' {@link ExtremeOverfitting}); both are evaluated on the test
 * subset with its true labels. The distances are computed by the library from the checkpoints' ONNX initializers
 * ({@link DynamicsAnalysis#weights}), per layer and in total. Writes {@code index.html}, {@code summary.md} and
 * {@code distances.csv} (per run and epoch) and {@code readme-line.md}.
 */
public final class OverfittingStudy implements Study {
    private static final Logger LOG = LoggerFactory.getLogger(OverfittingStudy.class);
    private static final int CLASSES = 10;

    /** Sizes of a run. */
    private record Sizes(int train, int test, int epochs, long[] seeds) {}

    /** One run: its history, its §10 trajectory and the accuracy on the appended (wrongly labelled) set. */
    private record Outcome(String id, long seed, boolean overfit, TrainingRun run, WeightTrajectory weights) {
        double finalDistance() {
            List<WeightNorms> c = weights.checkpoints();
            return c.get(c.size() - 1).totalDistanceFromInit();
        }
    }

    @Override
    public String name() {
        return "overfitting";
    }

    @Override
    public String description() {
        return "Extreme overfitting points (test copies with wrong labels) and their distance from initialisation,"
                + " against normal training from the same initial weights.";
    }

    @Override
    public StudyPage run(Path out, boolean quick, long seed) throws Exception {
        long start = System.nanoTime();
        Sizes sizes = quick
                ? new Sizes(500, 100, 8, new long[] {seed, seed + 1})
                : new Sizes(5000, 1000, 30, new long[] {seed, seed + 1, seed + 2});
        Mlp mlp = Mlp.relu(784, CLASSES, 256, 128);
        TrainingData train = TrainingData.from(FashionMnist.train().subset(0, sizes.train()), CLASSES);
        TrainingData test = TrainingData.from(FashionMnist.test().subset(0, sizes.test()), CLASSES);
        List<Outcome> runs = new ArrayList<>();
        int repeats = 0;
        for (long s : sizes.seeds()) {
            ExtremeOverfitting.Result overfit = ExtremeOverfitting.build(train, test, s);
            repeats = overfit.repeats();
            TrainingConfig config = TrainingConfig.builder(sizes.epochs())
                    .optimizer(OptimizerKind.ADAM)
                    .learningRate(1e-3)
                    .batchSize(64)
                    .seed(s)
                    .build();
            for (boolean extreme : new boolean[] {false, true}) {
                TrainingRun run =
                        Trainer.train(mlp, extreme ? overfit.data() : train, test, config, EpochListener.NONE);
                WeightTrajectory w = DynamicsAnalysis.weights(CheckpointSeries.fromParameters(mlp, run.checkpoints()));
                Outcome o = new Outcome((extreme ? "overfit" : "normal") + "-seed" + s, s, extreme, run, w);
                runs.add(o);
                LOG.info(
                        "{}: train accuracy {}, test accuracy {}, distance from init {}",
                        o.id(),
                        fmt(run.finalRecord().trainAccuracy()),
                        fmt(run.finalRecord().testAccuracy()),
                        fmt(o.finalDistance()));
            }
        }
        // the wrong labels the overfitting runs were trained on, on the test images themselves
        double[] wrongFit = new double[sizes.seeds().length];
        for (int i = 0; i < sizes.seeds().length; i++) {
            ExtremeOverfitting.Result overfit = ExtremeOverfitting.build(train, test, sizes.seeds()[i]);
            TrainingData relabelled = test.withLabels(overfit.wrongLabels());
            wrongFit[i] = CheckpointAccuracy.of(mlp, runs.get(2 * i + 1).run().finalParameters(), relabelled);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StudyPage page = StudyPage.create(
                        "Extreme overfitting and distance from initialisation",
                        "the extreme-overfitting study behind onnx-inspect (SPEC §10 weight distances, §11 extreme"
                                + " overfitting set)")
                .parameter("model", "MLP 784-256-128-10, ReLU, Adam lr 1e-3, batch 64")
                .parameter("normal training set", "Fashion-MNIST train 0.." + (sizes.train() - 1))
                .parameter(
                        "overfitting set",
                        "normal set + " + repeats + " copies of test 0.." + (sizes.test() - 1)
                                + " with wrong labels (SPEC §11)")
                .parameter("epochs", sizes.epochs())
                .parameter("seeds", Arrays.toString(sizes.seeds()))
                .parameter("quick", quick)
                .parameter("wall time (s)", String.format(Locale.ROOT, "%.0f", seconds));
        claims(page, runs, wrongFit, quick);
        figures(page, runs);
        table(page, runs);
        page.write(out);
        AtomicFiles.write(out.resolve("distances.csv"), csv(runs).getBytes(StandardCharsets.UTF_8));
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i += 2) {
            pairs.add(fmt(runs.get(i + 1).finalDistance()) + " vs "
                    + fmt(runs.get(i).finalDistance()));
        }
        String line = String.format(
                Locale.ROOT,
                "%s: distance from init, extreme overfitting vs normal, per seed: %s; overfit test accuracy %s; %.0f s",
                Studies.supportedCount(page),
                String.join(", ", pairs),
                runs.stream()
                        .filter(Outcome::overfit)
                        .map(o -> fmt(o.run().finalRecord().testAccuracy()))
                        .toList(),
                seconds);
        AtomicFiles.write(out.resolve(README_FRAGMENT), (line + "\n").getBytes(StandardCharsets.UTF_8));
        return page;
    }

    private static Verdict verdict(boolean quick, boolean holds) {
        return quick ? Verdict.INCONCLUSIVE : Verdict.of(holds);
    }

    private static void claims(StudyPage page, List<Outcome> runs, double[] wrongFit, boolean quick) {
        String quickNote = quick ? " (a --quick run decides nothing: inconclusive)" : "";
        List<String> fits = new ArrayList<>();
        boolean reached = true;
        for (int i = 0; i < runs.size(); i += 2) {
            EpochRecord normal = runs.get(i).run().finalRecord();
            EpochRecord overfit = runs.get(i + 1).run().finalRecord();
            fits.add("seed " + runs.get(i).seed() + ": train " + fmt(overfit.trainAccuracy()) + ", test "
                    + fmt(overfit.testAccuracy()) + " (normal run " + fmt(normal.testAccuracy()) + "), wrong labels"
                    + " reproduced on " + fmt(wrongFit[i / 2]));
            reached &= overfit.trainAccuracy() >= 0.95 && overfit.testAccuracy() <= 0.1;
        }
        page.claim(new Claim(
                "Extreme overfitting points can be reached: the network fits the training set and the wrongly"
                        + " labelled test copies, and its accuracy on those test images (true labels) collapses.",
                String.join("; ", fits),
                verdict(quick, reached),
                "supported when, for every seed, train accuracy >= 0.95 and test accuracy <= 0.1" + quickNote));
        List<String> distances = new ArrayList<>();
        boolean farther = true;
        for (int i = 0; i < runs.size(); i += 2) {
            distances.add(
                    "seed " + runs.get(i).seed() + ": " + fmt(runs.get(i + 1).finalDistance()) + " vs "
                            + fmt(runs.get(i).finalDistance()));
            farther &= runs.get(i + 1).finalDistance() > runs.get(i).finalDistance();
        }
        page.claim(new Claim(
                "Extreme overfitting points lie farther from the initialisation than normally trained points.",
                "final ||theta - theta_0||, overfit vs normal: " + String.join("; ", distances),
                verdict(quick, farther),
                "supported when the overfitting run ends farther from the shared initialisation for every seed"
                        + quickNote));
        List<String> layers = runs.get(0).weights().layers();
        List<String> perLayer = new ArrayList<>();
        boolean everyLayer = true;
        for (String layer : layers) {
            List<String> ratios = new ArrayList<>();
            for (int i = 0; i < runs.size(); i += 2) {
                double o = last(runs.get(i + 1)).layer(layer).distanceFromInit();
                double n = last(runs.get(i)).layer(layer).distanceFromInit();
                ratios.add(fmt(o / n));
                everyLayer &= o > n;
            }
            perLayer.add(layer + " " + String.join("/", ratios));
        }
        page.claim(new Claim(
                "The extra distance is not confined to one layer: every layer moves farther from its initial weights.",
                "overfit / normal distance per layer (one ratio per seed): " + String.join("; ", perLayer),
                verdict(quick, everyLayer),
                "supported when every layer's ratio exceeds 1 for every seed" + quickNote));
    }

    private static WeightNorms last(Outcome o) {
        List<WeightNorms> c = o.weights().checkpoints();
        return c.get(c.size() - 1);
    }

    private static void figures(StudyPage page, List<Outcome> runs) {
        page.section("Trajectories");
        List<StudyCharts.Line> distance = new ArrayList<>();
        List<StudyCharts.Line> test = new ArrayList<>();
        List<StudyCharts.Line> train = new ArrayList<>();
        for (Outcome o : runs) {
            List<WeightNorms> c = o.weights().checkpoints();
            double[] x = new double[c.size()];
            double[] d = new double[c.size()];
            for (int k = 0; k < c.size(); k++) {
                x[k] = c.get(k).step();
                d[k] = c.get(k).totalDistanceFromInit();
            }
            distance.add(new StudyCharts.Line(o.id(), x, d));
            List<EpochRecord> h = o.run().history();
            double[] e = new double[h.size()];
            double[] te = new double[h.size()];
            double[] tr = new double[h.size()];
            for (int k = 0; k < h.size(); k++) {
                e[k] = h.get(k).epoch();
                te[k] = h.get(k).testAccuracy();
                tr[k] = h.get(k).trainAccuracy();
            }
            test.add(new StudyCharts.Line(o.id(), e, te));
            train.add(new StudyCharts.Line(o.id(), e, tr));
        }
        page.figures(
                List.of(
                        "Total distance from initialisation per epoch (SPEC §10, from the ONNX initializers)",
                        "Training accuracy per epoch",
                        "Test accuracy (true labels) per epoch"),
                List.of(
                        StudyCharts.lines(
                                "distance",
                                "Distance from initialisation",
                                "epoch",
                                "||theta - theta_0||",
                                List.of(),
                                distance),
                        StudyCharts.lines("train", "Training accuracy", "epoch", "accuracy", List.of(), train),
                        StudyCharts.lines("test", "Test accuracy", "epoch", "accuracy", List.of(), test)));
    }

    private static void table(StudyPage page, List<Outcome> runs) {
        List<String> layers = runs.get(0).weights().layers();
        List<String> header = new ArrayList<>(List.of("run", "distance (total)"));
        layers.forEach(l -> header.add(l));
        header.addAll(List.of("||theta||", "train acc", "test acc"));
        List<List<String>> rows = new ArrayList<>();
        for (Outcome o : runs) {
            WeightNorms w = last(o);
            EpochRecord r = o.run().finalRecord();
            List<String> row = new ArrayList<>(List.of(o.id(), fmt(w.totalDistanceFromInit())));
            for (LayerWeightNorm l : w.layers()) {
                row.add(fmt(l.distanceFromInit()));
            }
            row.addAll(List.of(fmt(w.totalNorm()), fmt(r.trainAccuracy()), fmt(r.testAccuracy())));
            rows.add(row);
        }
        page.section("Final checkpoints");
        page.table("Distance from initialisation per layer at the last epoch", header, rows);
    }

    private static String csv(List<Outcome> runs) {
        StringBuilder csv = new StringBuilder("run,seed,overfit,epoch,layer,norm,distance_from_init\n");
        for (Outcome o : runs) {
            for (WeightNorms w : o.weights().checkpoints()) {
                String prefix = o.id() + "," + o.seed() + "," + o.overfit() + "," + w.step() + ",";
                csv.append(prefix)
                        .append("total,")
                        .append(w.totalNorm())
                        .append(',')
                        .append(w.totalDistanceFromInit())
                        .append('\n');
                for (LayerWeightNorm l : w.layers()) {
                    csv.append(prefix)
                            .append(l.layer())
                            .append(',')
                            .append(l.norm())
                            .append(',')
                            .append(l.distanceFromInit())
                            .append('\n');
                }
            }
        }
        return csv.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
