package dev.onnxinspect.ood;

import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.ood.HyperparameterGrid.Axis;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The hyperparameter grids of the standard detectors (SPEC §6b), one declaration per detector. The grids follow
 * OpenOOD v1.5's sweeps (configs/postprocessors/*.yml) where it has one, with the SPEC default added where it lacks it:
 * <ul>
 *   <li>{@code knn}: k in 1, 10, 20, 50 (default), 100, 200, 500, 1000 (OpenOOD: 50..1000; the small k are for small
 *   fit sets); fitted once, every k shares the fit features ({@link KnnDetector#withK}); a k above the fit set's
 *   size is left out</li>
 *   <li>{@code react_energy}: percentile 85, 90 (default), 95, 99 (OpenOOD's)</li>
 *   <li>{@code ash_b}, {@code ash_s}, {@code ash_p}: percentile (100 p) 65, 70, 75, 80, 85, 90 (default), 95
 *   (OpenOOD's); a percentile that keeps no feature is left out</li>
 *   <li>{@code dice}: percentile 10, 30, 50, 70, 90 (default) (OpenOOD's DICE paper sweep)</li>
 *   <li>{@code odin}: temperature 1, 10, 100, 1000 (default) (OpenOOD's; without input perturbation)</li>
 *   <li>{@code vim}: D in floor(d/8), floor(d/4), floor(d/2), floor(3d/4) and the default min(256, floor(d/2)),
 *   ascending, each >= 1 (OpenOOD's 256 and 1000 assume d = 2048)</li>
 * </ul>
 * Memory: one fit accumulator per grid point for the fitted detectors (ReAct keeps the fit features per percentile,
 * DICE and ViM their sums), so tuning multiplies their fit memory by the grid size; KNN keeps one copy.
 * The SPEC §5b detectors' grids, OpenOOD v1.5's sweeps (configs/postprocessors/{gen,relation,scale}.yml at 3c35632):
 * <ul>
 *   <li>{@code gen}: gamma in 0.01, 0.1 (default), 0.5, 1, 2, 5, 10 x M in 10, 50, 100 (default), 200, 500, 1000</li>
 *   <li>{@code relation}: q in 1 (default), 2, 4, 6, 8; one bank per grid point</li>
 *   <li>{@code scale}: percentile 65, 70, 75, 80, 85 (default), 90, 95</li>
 * </ul>
 * NNGuide has no grid (OpenOOD sweeps only its defaults).
 */
public final class DetectorGrids {
    private DetectorGrids() {}

    /**
     * The grids of the standard detectors this model can feed.
     *
     * @param head     the dense head as the detectors read it (K rows, reading the features), or null when the
     *                 detectors that need W, b cannot run
     * @param features whether the model has features h
     */
    public static List<HyperparameterGrid> standard(DenseLayer head, boolean features) {
        List<HyperparameterGrid> grids = new ArrayList<>();
        grids.add(HyperparameterGrid.ready(
                "odin",
                List.of(Axis.of("temperature", 1000, 1, 10, 100, 1000)),
                p -> MaxSoftmaxDetector.odin(p.get("temperature"))));
        // SPEC §5b (logit/feature detectors)
        grids.add(HyperparameterGrid.ready(
                "gen",
                List.of(
                        Axis.of("gamma", GenDetector.DEFAULT_GAMMA, 0.01, 0.1, 0.5, 1, 2, 5, 10),
                        Axis.of("M", GenDetector.DEFAULT_M, 10, 50, 100, 200, 500, 1000)),
                p -> GenDetector.create(p.get("gamma"), (int) (double) p.get("M"))));
        if (features) {
            // SPEC §5b (bank/gradient detectors)
            grids.add(HyperparameterGrid.fitted(
                    "relation",
                    List.of(Axis.of("q", RelationDetector.DEFAULT_Q, 1, 2, 4, 6, 8)),
                    p -> RelationDetector.accumulator(p.get("q"))));
            grids.add(HyperparameterGrid.derived(
                    "knn",
                    List.of(Axis.of("k", KnnDetector.DEFAULT_K, 1, 10, 20, 50, 100, 200, 500, 1000)),
                    () -> KnnDetector.accumulator(1),
                    (knn, p) -> knn.withK((int) (double) p.get("k"))));
        }
        if (head == null) {
            return grids;
        }
        grids.add(HyperparameterGrid.fitted(
                "react_energy",
                List.of(Axis.of("percentile", ReactDetector.DEFAULT_PERCENTILE, 85, 90, 95, 99)),
                p -> ReactDetector.accumulator(head, p.get("percentile"), 1)));
        for (AshDetector.Variant v : AshDetector.Variant.values()) {
            grids.add(HyperparameterGrid.ready(
                    "ash_" + HyperparameterGrid.lower(v),
                    List.of(Axis.of(
                            "percentile", 100 * AshDetector.DEFAULT_PRUNE_FRACTION, 65, 70, 75, 80, 85, 90, 95)),
                    p -> AshDetector.create(head, v, p.get("percentile") / 100, 1)));
        }
        grids.add(HyperparameterGrid.fitted(
                "scale",
                List.of(Axis.of("percentile", ScaleDetector.DEFAULT_PERCENTILE, 65, 70, 75, 80, 85, 90, 95)),
                p -> ScaleDetector.accumulator(head, p.get("percentile"))));
        grids.add(HyperparameterGrid.fitted(
                "dice",
                List.of(Axis.of("percentile", DiceDetector.DEFAULT_PERCENTILE, 10, 30, 50, 70, 90)),
                p -> DiceDetector.accumulator(head, p.get("percentile"), 1)));
        int d = head.inFeatures();
        TreeSet<Double> dims = new TreeSet<>();
        int defaultD = Math.min(256, d / 2);
        for (int D : new int[] {d / 8, d / 4, d / 2, 3 * d / 4, defaultD}) {
            if (D >= 1) {
                dims.add((double) D);
            }
        }
        if (defaultD >= 1) {
            grids.add(HyperparameterGrid.fitted(
                    "vim",
                    List.of(new Axis("D", defaultD, List.copyOf(dims))),
                    p -> VimDetector.accumulator(head, (int) (double) p.get("D"))));
        }
        return grids;
    }
}
