package dev.onnxinspect.audit;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.ood.DetectorInput;
import dev.onnxinspect.ood.DetectorInputKind;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.HyperparameterGrid;
import dev.onnxinspect.ood.OodDetector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC §6b hyperparameter selection in an audit: every grid's candidates ({@link HyperparameterGrid}) are fitted in
 * the audit's fit pass, scored on a validation pair (an ID set and an OOD set, never evaluation data), and per
 * detector the grid point with the largest AUROC replaces the default in the suite; ties: the default, then the first
 * in grid order. A candidate that cannot be fitted on the data (e.g. k above the fit set's size) is left out and
 * recorded. The chosen values and every grid point's AUROC are recorded in the run parameters
 * ({@code tuning.<detector>} and {@code tuning.<detector>.grid}).
 *
 * <p>Overlap (refused before any model run, {@link #checkNoOverlap}). Choice: a tuning set overlaps an evaluation set
 * (the ID set or an OOD set) when it is the same data source object, has the same name (the CLI names a set by its
 * argument, so the same file or built-in dataset), or shares an identical sample: every sample of the two tuning
 * sets is hashed (128 bits over each input's name, element type, shape and values, inputs in name order), then every
 * evaluation sample is looked up. This reads the evaluation sets once more (no model run); memory: one hash per
 * tuning sample. An accidental 128-bit collision between different samples is negligible (below 1e-25 for a million
 * samples).
 */
final class Tuning {
    private static final Logger LOG = LoggerFactory.getLogger(Tuning.class);
    private static final int READ_BATCH = 256;

    private final List<HyperparameterGrid> grids;
    private final List<HyperparameterGrid.Candidates> candidates = new ArrayList<>();

    Tuning(List<HyperparameterGrid> grids) {
        this.grids = List.copyOf(grids);
        grids.forEach(g -> candidates.add(g.candidates()));
    }

    /** Feeds one labelled fit batch to every candidate. */
    void accept(DetectorInput batch) {
        candidates.forEach(c -> c.accept(batch));
    }

    /** The suite after selection, and the run parameters that record it. */
    record Selected(DetectorSuite suite, Map<String, String> parameters) {}

    /**
     * Chooses every grid's point on the validation pair and replaces the detector in {@code suite}; a grid whose
     * detector is not in the suite (the model cannot feed it, or it could not be fitted) is skipped.
     *
     * @param score scores a data set with a suite (one inspection pass), giving each column's scores
     */
    Selected select(
            DetectorSuite suite,
            DataSource idValidation,
            DataSource oodValidation,
            BiFunction<DataSource, DetectorSuite, Map<String, double[]>> score) {
        Map<String, String> params = new LinkedHashMap<>();
        List<OodDetector> scored = new ArrayList<>();
        Map<String, OodDetector> byColumn = new HashMap<>();
        Map<String, String> notFitted = new HashMap<>();
        List<HyperparameterGrid> used = new ArrayList<>();
        for (int g = 0; g < grids.size(); g++) {
            HyperparameterGrid grid = grids.get(g);
            if (!suite.names().contains(grid.detector())) {
                continue;
            }
            used.add(grid);
            List<Map<String, Double>> points = grid.points();
            for (int i = 0; i < points.size(); i++) {
                String column = column(grid, points.get(i));
                try {
                    OodDetector d = candidates.get(g).result(i);
                    OodDetector named = new Candidate(column, d);
                    scored.add(named);
                    byColumn.put(column, d);
                } catch (OnnxInspectException e) {
                    if (!HyperparameterGrid.skippable(e)) {
                        throw e;
                    }
                    notFitted.put(column, e.getMessage());
                }
            }
        }
        params.put(
                "tuning_sets",
                idValidation.name() + " vs " + oodValidation.name() + " (SPEC §6b: the largest AUROC; ties: the"
                        + " default, then the first in grid order)");
        if (used.isEmpty()) {
            return new Selected(suite, params);
        }
        DetectorSuite candidatesSuite = DetectorSuite.of(scored);
        Map<String, double[]> id = score.apply(idValidation, candidatesSuite);
        Map<String, double[]> ood = score.apply(oodValidation, candidatesSuite);
        Map<String, OodDetector> chosen = new HashMap<>();
        for (HyperparameterGrid grid : used) {
            Map<String, Double> best = null;
            double bestAuroc = Double.NEGATIVE_INFINITY;
            double defaultAuroc = Double.NaN;
            StringBuilder table = new StringBuilder();
            for (Map<String, Double> p : grid.points()) {
                String column = column(grid, p);
                table.append(table.length() == 0 ? "" : " | ")
                        .append(HyperparameterGrid.describe(p))
                        .append(": ");
                if (!byColumn.containsKey(column)) {
                    table.append("not fitted (").append(notFitted.get(column)).append(')');
                    continue;
                }
                double auroc =
                        OodMetrics.evaluate(id.get(column), ood.get(column)).auroc();
                table.append(auroc);
                boolean isDefault = p.equals(grid.defaults());
                if (isDefault) {
                    defaultAuroc = auroc;
                }
                // strictly larger wins; an equal AUROC goes to the default, else stays with the earlier point
                if (auroc > bestAuroc || (auroc == bestAuroc && isDefault)) {
                    best = p;
                    bestAuroc = auroc;
                }
            }
            params.put("tuning." + grid.detector() + ".grid", table.toString());
            if (best == null) {
                params.put("tuning." + grid.detector(), "no candidate could be fitted; the default is kept");
                continue;
            }
            chosen.put(grid.detector(), byColumn.get(column(grid, best)));
            params.put(
                    "tuning." + grid.detector(),
                    HyperparameterGrid.describe(best) + " (AUROC " + bestAuroc + "; default "
                            + HyperparameterGrid.describe(grid.defaults()) + ": "
                            + (Double.isNaN(defaultAuroc) ? "not fitted" : Double.toString(defaultAuroc)) + ")");
            LOG.info(
                    "tuned {}: {} (AUROC {} on {} vs {})",
                    grid.detector(),
                    HyperparameterGrid.describe(best),
                    bestAuroc,
                    idValidation.name(),
                    oodValidation.name());
        }
        List<OodDetector> replaced = new ArrayList<>();
        for (OodDetector d : suite.detectors()) {
            replaced.add(chosen.getOrDefault(d.name(), d));
        }
        return new Selected(DetectorSuite.of(replaced), params);
    }

    private static String column(HyperparameterGrid grid, Map<String, Double> point) {
        return grid.detector() + "{" + HyperparameterGrid.describe(point) + "}";
    }

    /**
     * Refuses a tuning set that overlaps an evaluation set (class Javadoc: same object, same name, or an identical
     * sample), naming both sets and the sample.
     *
     * @throws OnnxInspectException of kind INVALID_INPUT
     */
    static void checkNoOverlap(DataSource tuneId, DataSource tuneOod, DataSource id, List<DataSource> ood) {
        List<DataSource> tuning = List.of(tuneId, tuneOod);
        List<DataSource> evaluation = new ArrayList<>();
        evaluation.add(id);
        evaluation.addAll(ood);
        for (DataSource t : tuning) {
            for (DataSource e : evaluation) {
                if (t == e || t.name().equals(e.name())) {
                    throw overlap("the tuning set " + t.name() + " is the evaluation set " + e.name());
                }
            }
        }
        Map<Key, String> seen = new HashMap<>();
        for (DataSource t : tuning) {
            long index = 0;
            for (Iterator<Batch> it = t.batches(READ_BATCH); it.hasNext(); ) {
                Batch b = it.next();
                for (int i = 0; i < b.size(); i++) {
                    seen.putIfAbsent(hash(b, i), t.name() + " sample " + (index + i));
                }
                index += b.size();
            }
        }
        for (DataSource e : evaluation) {
            long index = 0;
            for (Iterator<Batch> it = e.batches(READ_BATCH); it.hasNext(); ) {
                Batch b = it.next();
                for (int i = 0; i < b.size(); i++) {
                    String match = seen.get(hash(b, i));
                    if (match != null) {
                        throw overlap("sample " + (index + i) + " of the evaluation set " + e.name()
                                + " is identical to " + match + " of the tuning sets");
                    }
                }
                index += b.size();
            }
        }
    }

    private static OnnxInspectException overlap(String what) {
        return new OnnxInspectException(what + "; SPEC §6b chooses hyperparameters never on evaluation data: tune on a"
                + " separate validation split (--tune-on ID_VAL OOD_VAL)");
    }

    /** A 128-bit hash of one sample: every input's name, element type, sample shape and values, in name order. */
    static Key hash(Batch b, int sample) {
        List<InputTensor> inputs = new ArrayList<>(b.inputs());
        inputs.sort(Comparator.comparing(t -> t.name() == null ? "" : t.name()));
        Hasher h = new Hasher();
        for (InputTensor t : inputs) {
            String name = t.name() == null ? "" : t.name();
            h.add(name.hashCode()).add(name.length()).add(t.type().name().hashCode());
            for (long d : t.sampleShape()) {
                h.add(d);
            }
            int stride = Math.toIntExact(t.sampleSize());
            int from = sample * stride;
            Object data = t.data();
            if (data instanceof float[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(Float.floatToRawIntBits(a[from + j]));
                }
            } else if (data instanceof double[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(Double.doubleToRawLongBits(a[from + j]));
                }
            } else if (data instanceof long[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(a[from + j]);
                }
            } else if (data instanceof int[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(a[from + j]);
                }
            } else if (data instanceof short[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(a[from + j]);
                }
            } else if (data instanceof byte[] a) {
                for (int j = 0; j < stride; j++) {
                    h.add(a[from + j]);
                }
            } else {
                throw new IllegalStateException("InputTensor holds a " + data.getClass() + "; not a supported array");
            }
        }
        return h.key();
    }

    /** Two independent 64-bit multiply-rotate streams (not cryptographic: the data is not adversarial). */
    private static final class Hasher {
        private long a = 0x243F6A8885A308D3L;
        private long b = 0x13198A2E03707344L;

        Hasher add(long v) {
            a = Long.rotateLeft((a ^ v) * 0x9E3779B97F4A7C15L, 29);
            b = Long.rotateLeft((b + v) * 0xC2B2AE3D27D4EB4FL ^ (b >>> 31), 37);
            return this;
        }

        Key key() {
            return new Key(mix(a), mix(b ^ a));
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    /** A sample's 128-bit hash. */
    record Key(long high, long low) {}

    /** A candidate under its own column name, e.g. {@code knn{k=20}}, scoring as the detector it wraps. */
    private record Candidate(String name, OodDetector inner) implements OodDetector {
        @Override
        public Set<DetectorInputKind> requiredInputs() {
            return inner.requiredInputs();
        }

        @Override
        public double[] score(DetectorInput input) {
            return inner.score(input);
        }

        @Override
        public Optional<String> layer() {
            return inner.layer();
        }

        @Override
        public boolean usesDenseWeights() {
            return inner.usesDenseWeights();
        }
    }
}
