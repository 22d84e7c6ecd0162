package dev.onnxinspect.samples.studies.perplexity;

import dev.onnxinspect.OnnxInspectException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The grid of MLPs of the perplexity and nodes-as-classifiers study and the sizes of one run: a depth series
 * ({@code depths} x {@code depthWidth} units) and a width series ({@code wideDepth} layers x {@code widths}); a model
 * in both series is trained once.
 *
 * @param depths       hidden-layer counts of the depth series, each &gt;= 1
 * @param depthWidth   the units per hidden layer of the depth series
 * @param widths       the units per hidden layer of the width series (possibly none)
 * @param wideDepth    the hidden-layer count of the width series
 * @param trainSamples Fashion-MNIST training images 0..trainSamples-1 each model is trained on
 * @param epochs       training epochs (Adam 1e-3, batch 128)
 * @param statsSamples Fashion-MNIST test images 0..statsSamples-1 for the S1/S2 statistics and perplexity (§1, §2,
 *                     §7), and the test accuracy of training
 * @param fitSamples   training images 0..fitSamples-1 the SPEC §8 node classifiers are fitted on
 * @param evalSamples  test images 0..evalSamples-1 they are evaluated on
 */
public record GridSettings(
        List<Integer> depths,
        int depthWidth,
        List<Integer> widths,
        int wideDepth,
        int trainSamples,
        int epochs,
        int statsSamples,
        int fitSamples,
        int evalSamples) {
    /** The Fashion-MNIST training and test set sizes. */
    static final int TRAIN_SET = 60_000;

    static final int TEST_SET = 10_000;

    public GridSettings {
        depths = List.copyOf(depths);
        widths = List.copyOf(widths);
        if (depths.isEmpty()
                || depths.stream().anyMatch(d -> d < 1)
                || widths.stream().anyMatch(w -> w < 1)) {
            throw new OnnxInspectException("the study grid needs at least one depth, every depth and width >= 1; got"
                    + " depths " + depths + ", widths " + widths);
        }
        if (depthWidth < 1 || wideDepth < 1 || epochs < 1) {
            throw new OnnxInspectException("depth width, wide depth and epochs must be >= 1, got " + depthWidth + ", "
                    + wideDepth + ", " + epochs);
        }
        if (trainSamples < 1 || trainSamples > TRAIN_SET || fitSamples < 1 || fitSamples > TRAIN_SET) {
            throw new OnnxInspectException("training and fit samples must lie in [1, " + TRAIN_SET + "], got "
                    + trainSamples + " and " + fitSamples);
        }
        if (statsSamples < 1 || statsSamples > TEST_SET || evalSamples < 1 || evalSamples > TEST_SET) {
            throw new OnnxInspectException("statistics and evaluation samples must lie in [1, " + TEST_SET + "], got "
                    + statsSamples + " and " + evalSamples);
        }
    }

    /**
     * The full run: 1..10 hidden layers of 100 units and 10 layers of 20, 50, 100 and 200 units (13 models);
     * training images 0..29,999, 10 epochs; statistics on the 10,000 test images; node classifiers fitted on 5,000
     * training images and evaluated on 2,000 test images.
     * <p>Choice: SPEC §8 evaluates every node's KDE at every evaluation sample from every fit value (cost ~ nodes x fit
     * x evaluation samples); 8,200 nodes in two states each with 5,000 x 2,000 samples keep the run well inside the
     * hour on two cores. The statistics of §1-2 and §7 are cheap and use the whole test set.
     */
    public static GridSettings full() {
        return new GridSettings(
                List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                100,
                List.of(20, 50, 100, 200),
                10,
                30_000,
                10,
                10_000,
                5_000,
                2_000);
    }

    /** The {@code --quick} run of the tests: 1, 2 and 3 layers of 20 units, 3,000 images, 3 epochs, few samples. */
    public static GridSettings quick() {
        return new GridSettings(List.of(1, 2, 3), 20, List.of(), 3, 3_000, 3, 500, 300, 200);
    }

    /** The models of the grid, the depth series first, each once. */
    public List<GridModel> models() {
        Set<GridModel> models = new LinkedHashSet<>();
        depths.forEach(d -> models.add(new GridModel(d, depthWidth)));
        widths.forEach(w -> models.add(new GridModel(wideDepth, w)));
        return new ArrayList<>(models);
    }

    /** The deepest models of the grid (the width series, or the deepest of the depth series): the per-layer claims. */
    public List<GridModel> deepest() {
        int max = models().stream().mapToInt(GridModel::depth).max().orElseThrow();
        return models().stream().filter(m -> m.depth() == max).toList();
    }

    /** The depth series' models. */
    public List<GridModel> depthSeries() {
        return depths.stream().map(d -> new GridModel(d, depthWidth)).toList();
    }
}
