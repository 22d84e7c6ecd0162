package dev.onnxinspect.samples.studies;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Activation;
import dev.onnxinspect.trainers.arch.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One model of the path study's population: a ReLU MLP on flat 784-pixel Fashion-MNIST images with its hidden widths,
 * the level q of label corruption applied to its training set (SPEC §11), its regularisation (L2 weight decay and/or
 * dropout after every hidden layer) and its seed (initial weights, batch order, label corruption).
 *
 * @param id           a file-name-safe name, unique in a population, e.g. {@code m07-w128x128-q0.4-dropout0.3}
 * @param hiddenWidths one width per hidden layer (the depth is their count); copied
 * @param labelNoise   q in [0, 1]
 * @param weightDecay  the L2 coefficient, &gt;= 0
 * @param dropout      the dropout rate in [0, 1)
 * @param seed         the model's seed
 */
public record PathModelSpec(
        String id, int[] hiddenWidths, double labelNoise, double weightDecay, double dropout, long seed) {
    /** The population's regularisers: none, L2 weight decay 5e-4, dropout 0.3. */
    static final double WEIGHT_DECAY = 5e-4;

    static final double DROPOUT = 0.3;

    public PathModelSpec {
        if (id == null || !id.matches("[A-Za-z0-9._-]+")) {
            throw new TrainingException("a model id must be a non-empty file name of letters, digits, '.', '_' and"
                    + " '-', got '" + id + "'");
        }
        if (hiddenWidths == null || hiddenWidths.length == 0) {
            throw new TrainingException("model " + id + " needs at least one hidden layer (its paths are followed)");
        }
        hiddenWidths = hiddenWidths.clone();
        if (!(labelNoise >= 0 && labelNoise <= 1) || !(weightDecay >= 0) || !(dropout >= 0 && dropout < 1)) {
            throw new TrainingException("model " + id + ": expected label noise in [0, 1], weight decay >= 0 and"
                    + " dropout in [0, 1), got " + labelNoise + ", " + weightDecay + ", " + dropout);
        }
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    /** The number of hidden layers. */
    public int depth() {
        return hiddenWidths.length;
    }

    /** The network: 784 - widths - 10, ReLU, with this model's dropout. */
    public Mlp architecture() {
        return new Mlp(new int[] {784}, hiddenWidths, Activation.RELU, 10, dropout);
    }

    /** The name of the last hidden layer's activation output, whose paths give the model's early-to-mid ratio. */
    public String lastHiddenLayer() {
        return "dense" + depth() + "/relu";
    }

    /** E.g. "128x128". */
    public String widthsText() {
        return Arrays.stream(hiddenWidths).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    /** "none", "L2 5e-04", "dropout 0.3" or both. */
    public String regularisation() {
        List<String> parts = new ArrayList<>();
        if (weightDecay > 0) {
            parts.add(String.format(Locale.ROOT, "L2 %.0e", weightDecay));
        }
        if (dropout > 0) {
            parts.add("dropout " + dropout);
        }
        return parts.isEmpty() ? "none" : String.join(" + ", parts);
    }

    /** Everything that determines the trained model, as one line (stored with its result to detect a changed run). */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "widths=%s noise=%s weight_decay=%s dropout=%s seed=%d",
                widthsText(),
                labelNoise,
                weightDecay,
                dropout,
                seed);
    }

    /**
     * The population of the full study: 24 models, every combination of label noise q in {0, 0.2, 0.4, 0.6} and
     * regularisation in {none, L2 5e-4, dropout 0.3}, each with two of the four architectures 784-64-10,
     * 784-256-10, 784-128-128-10 and 784-64-64-64-10.
     *
     * <p>Choice: combination (i, j) of noise level i and regulariser j gets the architectures (i + j) mod 4 and
     * (i + j + 2) mod 4, so every architecture appears 6 times, with every noise level and every regulariser, and
     * width, depth, noise and regularisation are not confounded with each other. Model k's seed is {@code seed + k}.
     */
    public static List<PathModelSpec> population(long seed) {
        int[][] architectures = {{64}, {256}, {128, 128}, {64, 64, 64}};
        double[] noise = {0.0, 0.2, 0.4, 0.6};
        return grid(architectures, noise, seed, 2);
    }

    /**
     * The {@code --quick} population: 4 small models, q in {0, 0.6} x regularisation in {none, dropout 0.3}, with the
     * architectures 784-16-10 (q = 0) and 784-16-16-10 (q = 0.6), picked from the grid of {@link #population}.
     */
    public static List<PathModelSpec> quickPopulation(long seed) {
        List<PathModelSpec> all = grid(new int[][] {{16}, {16, 16}}, new double[] {0.0, 0.6}, seed, 1);
        // none and dropout of both noise levels
        return List.of(all.get(0), all.get(2), all.get(3), all.get(5));
    }

    private static List<PathModelSpec> grid(int[][] architectures, double[] noise, long seed, int perCell) {
        double[][] regularisers = {{0, 0}, {WEIGHT_DECAY, 0}, {0, DROPOUT}};
        List<PathModelSpec> specs = new ArrayList<>();
        for (int i = 0; i < noise.length; i++) {
            for (int j = 0; j < regularisers.length; j++) {
                for (int k = 0; k < perCell; k++) {
                    int[] widths = architectures[(i + j + 2 * k) % architectures.length];
                    int index = specs.size();
                    double wd = regularisers[j][0];
                    double dropout = regularisers[j][1];
                    String id = String.format(
                            Locale.ROOT,
                            "m%02d-w%s-q%s-%s",
                            index,
                            Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining("x")),
                            noise[i],
                            wd > 0 ? "l2" : dropout > 0 ? "dropout" : "plain");
                    specs.add(new PathModelSpec(id, widths, noise[i], wd, dropout, seed + index));
                }
            }
        }
        return List.copyOf(specs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathModelSpec s
                && id.equals(s.id)
                && Arrays.equals(hiddenWidths, s.hiddenWidths)
                && Double.compare(labelNoise, s.labelNoise) == 0
                && Double.compare(weightDecay, s.weightDecay) == 0
                && Double.compare(dropout, s.dropout) == 0
                && seed == s.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(hiddenWidths), labelNoise, weightDecay, dropout, seed);
    }

    @Override
    public String toString() {
        return "PathModelSpec[" + id + ": " + describe() + "]";
    }
}
