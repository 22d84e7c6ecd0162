package dev.onnxinspect.ood;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The grid of one detector's named hyperparameters for SPEC §6b hyperparameter selection: one or more axes (a
 * parameter name, its default and its values) whose cartesian product, in declaration order with the last axis
 * varying fastest, is the grid order; and how to make the candidate detector of each grid point. Every candidate
 * scores into the detector's own column name ({@link #detector()}), so the chosen one replaces the default in a suite.
 * Declared per detector in {@link DetectorGrids}; a new detector's grid is one more declaration there. Immutable.
 *
 * <p>Choice: the default value must lie on each axis, so that the tie rule ("the default, then the first in grid
 * order") always has the default to fall back on.
 *
 * @param detector the detector's score column name, e.g. {@code knn}
 * @param axes     the hyperparameters, at least one
 * @param maker    makes the candidates of a list of grid points (see {@link #ready}, {@link #fitted},
 *                 {@link #derived})
 */
public record HyperparameterGrid(
        String detector, List<Axis> axes, Function<List<Map<String, Double>>, Candidates> maker) {
    /**
     * One hyperparameter: its name, its default and its values in grid order (distinct, the default among them).
     */
    public record Axis(String parameter, double defaultValue, List<Double> values) {
        public Axis {
            Objects.requireNonNull(parameter, "parameter");
            values = List.copyOf(values);
            if (values.isEmpty() || new LinkedHashSet<>(values).size() != values.size()) {
                throw new OodException("the grid of " + parameter + " needs distinct values, got " + values);
            }
            if (!values.contains(defaultValue)) {
                throw new OodException("the grid of " + parameter + " " + values + " lacks its default " + defaultValue
                        + "; the tie rule of SPEC §6b needs it");
            }
        }

        /** An axis over the given values. */
        public static Axis of(String parameter, double defaultValue, double... values) {
            List<Double> list = new ArrayList<>();
            for (double v : values) {
                list.add(v);
            }
            return new Axis(parameter, defaultValue, list);
        }
    }

    /**
     * The candidates of a grid being fitted: fed every labelled fit batch, then asked for the detector of each grid
     * point. Mutable, not thread-safe.
     */
    public interface Candidates {
        /** Adds one fit batch. */
        void accept(DetectorInput batch);

        /**
         * The fitted detector of grid point {@code index} (in the order the points were given).
         *
         * @throws OnnxInspectException of kind INVALID_INPUT or UNSUPPORTED when this point cannot be fitted on the
         *                              data (e.g. KNN with k above the fit set's size): the candidate is left out
         */
        OodDetector result(int index);
    }

    public HyperparameterGrid {
        Objects.requireNonNull(detector, "detector");
        axes = List.copyOf(axes);
        Objects.requireNonNull(maker, "maker");
        if (axes.isEmpty()) {
            throw new OodException("the grid of " + detector + " needs at least one hyperparameter");
        }
    }

    /** A grid of ready detectors (nothing fitted), one per point. */
    public static HyperparameterGrid ready(
            String detector, List<Axis> axes, Function<Map<String, Double>, ? extends OodDetector> make) {
        return new HyperparameterGrid(detector, axes, points -> {
            List<Object> made = new ArrayList<>();
            for (Map<String, Double> p : points) {
                try {
                    made.add(make.apply(p));
                } catch (OnnxInspectException e) {
                    made.add(e);
                }
            }
            return new Candidates() {
                @Override
                public void accept(DetectorInput batch) {}

                @Override
                public OodDetector result(int index) {
                    return resultOrThrow(made.get(index));
                }
            };
        });
    }

    /** A grid of fitted detectors, one fit accumulator per point, each fed every fit batch. */
    public static HyperparameterGrid fitted(
            String detector, List<Axis> axes, Function<Map<String, Double>, ? extends FitAccumulator<?>> make) {
        return new HyperparameterGrid(detector, axes, points -> {
            List<Object> made = new ArrayList<>();
            for (Map<String, Double> p : points) {
                try {
                    made.add(make.apply(p));
                } catch (OnnxInspectException e) {
                    made.add(e);
                }
            }
            return new Candidates() {
                @Override
                public void accept(DetectorInput batch) {
                    for (Object m : made) {
                        if (m instanceof FitAccumulator<?> a) {
                            a.accept(batch);
                        }
                    }
                }

                @Override
                public OodDetector result(int index) {
                    Object m = made.get(index);
                    return m instanceof FitAccumulator<?> a ? a.result() : resultOrThrow(m);
                }
            };
        });
    }

    /**
     * A grid whose candidates all derive from one fitted detector (one accumulator, fitted once): e.g. KNN's k only
     * changes which neighbour is read, so every k shares the one copy of the fit features.
     */
    public static <D extends OodDetector> HyperparameterGrid derived(
            String detector,
            List<Axis> axes,
            Supplier<? extends FitAccumulator<D>> base,
            BiFunction<D, Map<String, Double>, ? extends OodDetector> derive) {
        return new HyperparameterGrid(detector, axes, points -> {
            FitAccumulator<D> accumulator = base.get();
            return new Candidates() {
                private D fitted;
                private OnnxInspectException failure;

                @Override
                public void accept(DetectorInput batch) {
                    accumulator.accept(batch);
                }

                @Override
                public OodDetector result(int index) {
                    if (fitted == null && failure == null) {
                        try {
                            fitted = accumulator.result();
                        } catch (OnnxInspectException e) {
                            failure = e;
                        }
                    }
                    if (failure != null) {
                        throw failure;
                    }
                    return derive.apply(fitted, points.get(index));
                }
            };
        });
    }

    private static OodDetector resultOrThrow(Object made) {
        if (made instanceof OnnxInspectException e) {
            throw e;
        }
        return (OodDetector) made;
    }

    /** Every grid point in grid order: the cartesian product of the axes, the last axis varying fastest. */
    public List<Map<String, Double>> points() {
        List<Map<String, Double>> points = new ArrayList<>();
        points.add(Map.of());
        for (Axis axis : axes) {
            List<Map<String, Double>> next = new ArrayList<>();
            for (Map<String, Double> p : points) {
                for (double v : axis.values()) {
                    Map<String, Double> q = new LinkedHashMap<>(p);
                    q.put(axis.parameter(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        List<Map<String, Double>> frozen = new ArrayList<>();
        points.forEach(p -> frozen.add(Collections.unmodifiableMap(p)));
        return List.copyOf(frozen);
    }

    /** The default point: every axis at its default. */
    public Map<String, Double> defaults() {
        Map<String, Double> p = new LinkedHashMap<>();
        axes.forEach(a -> p.put(a.parameter(), a.defaultValue()));
        return Collections.unmodifiableMap(p);
    }

    /** Starts fitting the candidates of every grid point, in {@link #points()} order. */
    public Candidates candidates() {
        return maker.apply(points());
    }

    /** A point as text, e.g. {@code k=50} or {@code gamma=0.1,M=100}: integers without a decimal point. */
    public static String describe(Map<String, Double> point) {
        StringBuilder out = new StringBuilder();
        point.forEach((name, v) -> out.append(out.length() == 0 ? "" : ",")
                .append(name)
                .append('=')
                .append(format(v)));
        return out.toString();
    }

    /** A value as text: {@code 50} for an integer value, else {@link Double#toString}. */
    public static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether an exception means "this candidate cannot be fitted here" rather than a bug or a file error. */
    public static boolean skippable(OnnxInspectException e) {
        return e.kind() == Kind.INVALID_INPUT || e.kind() == Kind.UNSUPPORTED;
    }

    @Override
    public String toString() {
        return "HyperparameterGrid[" + detector + ", " + axes.size() + " axes, " + points().size() + " points]";
    }

    /** The lower-case name of an enum constant, for detector names built from variants. */
    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
