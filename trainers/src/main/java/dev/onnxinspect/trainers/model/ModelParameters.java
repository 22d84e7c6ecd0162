package dev.onnxinspect.trainers.model;

import dev.onnxinspect.trainers.TrainingException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All parameter tensors of one network at one moment (e.g. one training checkpoint), by name, in layer order.
 * Deeply immutable. Norms follow SPEC §10 and use the trainable tensors only.
 *
 * <p>Choice: batch-norm running statistics are stored (the exported model needs them) but excluded from the weight
 * norm and the distance from initialisation, which measure what the optimiser changes. For the IOC network the
 * norms are over the raw weights w (the trainable values), not the transformed w'.
 */
public final class ModelParameters {
    private final Map<String, ParameterTensor> tensors;

    /** @param tensors the tensors in layer order; names must be unique */
    public ModelParameters(List<ParameterTensor> tensors) {
        Map<String, ParameterTensor> map = new LinkedHashMap<>();
        for (ParameterTensor t : tensors) {
            if (map.put(t.name(), t) != null) {
                throw new TrainingException("duplicate parameter name " + t.name());
            }
        }
        this.tensors = java.util.Collections.unmodifiableMap(map);
    }

    /** The tensor with this name. */
    public ParameterTensor get(String name) {
        ParameterTensor t = tensors.get(name);
        if (t == null) {
            throw new TrainingException("unknown parameter " + name + ", expected one of " + tensors.keySet());
        }
        return t;
    }

    /** Whether a tensor of this name exists. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** All tensors in layer order (unmodifiable). */
    public Collection<ParameterTensor> tensors() {
        return tensors.values();
    }

    /** The number of trainable scalars. */
    public long trainableCount() {
        return tensors.values().stream()
                .filter(ParameterTensor::trainable)
                .mapToLong(ParameterTensor::size)
                .sum();
    }

    /** SPEC §10: ||theta||_2 over all trainable values, in float64. */
    public double l2Norm() {
        double s = 0;
        for (ParameterTensor t : tensors.values()) {
            if (t.trainable()) {
                s += t.sumOfSquares();
            }
        }
        return Math.sqrt(s);
    }

    /** SPEC §10: ||theta - other||_2 over all trainable values; both must have the same tensors. */
    public double distanceTo(ModelParameters other) {
        if (!tensors.keySet().equals(other.tensors.keySet())) {
            throw new TrainingException("cannot compare parameters of different networks: " + tensors.keySet() + " vs "
                    + other.tensors.keySet());
        }
        double s = 0;
        for (ParameterTensor t : tensors.values()) {
            if (t.trainable()) {
                s += t.squaredDistanceTo(other.tensors.get(t.name()));
            }
        }
        return Math.sqrt(s);
    }

    /**
     * SPEC §10 per layer: ||theta_l||_2 over each layer's trainable tensors, by layer name (the tensor name before
     * its last '.'), in layer order.
     */
    public Map<String, Double> layerNorms() {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (ParameterTensor t : tensors.values()) {
            if (t.trainable()) {
                sums.merge(layerOf(t.name()), t.sumOfSquares(), Double::sum);
            }
        }
        sums.replaceAll((k, v) -> Math.sqrt(v));
        return java.util.Collections.unmodifiableMap(sums);
    }

    /** SPEC §10 per layer: ||theta_l - other_l||_2 by layer name, in layer order. */
    public Map<String, Double> layerDistancesTo(ModelParameters other) {
        distanceTo(other); // validates that both have the same tensors
        Map<String, Double> sums = new LinkedHashMap<>();
        for (ParameterTensor t : tensors.values()) {
            if (t.trainable()) {
                sums.merge(layerOf(t.name()), t.squaredDistanceTo(other.tensors.get(t.name())), Double::sum);
            }
        }
        sums.replaceAll((k, v) -> Math.sqrt(v));
        return java.util.Collections.unmodifiableMap(sums);
    }

    private static String layerOf(String tensorName) {
        int dot = tensorName.lastIndexOf('.');
        return dot < 0 ? tensorName : tensorName.substring(0, dot);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelParameters p && tensors.equals(p.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "ModelParameters" + tensors.values();
    }
}
