package dev.onnxinspect.samples.dynamics;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.trainers.export.IocWeightExport;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.model.ParameterTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a checkpoint's weights theta_t from its ONNX initializers (SPEC §10), grouped per layer, as
 * {@link dev.onnxinspect.dynamics.WeightNormAccumulator} takes them.
 *
 * <p>Choice: the weights are the float32 initializers of the graph, except batch-norm running statistics (names
 * ending in {@code running_mean} / {@code running_var}: buffers, not weights, as the trainers' {@code ModelParameters}
 * also leave them out). Integer initializers (shapes, axes) are not weights. A layer is the initializer name up to
 * its last '.', so {@code dense1/linear.weight} and {@code dense1/linear.bias} form the layer {@code dense1/linear};
 * its values are the weight's values followed by the bias's (initializers in name order), so the layer's norm is the
 * norm of all its parameters together. A name without '.' is a layer of its own.
 *
 * <p>SPEC §10: theta are the raw trained parameters; for an IOC network the raw w, not exp(w - 5). The training
 * history's norms ({@code ModelParameters#l2Norm()}) use the raw w, and so does every table built from this class:
 * {@link #perLayer(ModelParameters)} reads the raw trainable tensors; {@link #perLayer(Checkpoint)} reads the raw w
 * of an {@link IocWeightExport#IN_GRAPH} export (leaving out its constants) and refuses an
 * {@link IocWeightExport#TRANSFORMED_INITIALIZERS} export, whose initializers hold w' from which w cannot be
 * recovered (a raw w in [0, e^-5) and a transformed negative w have the same w').
 */
public final class CheckpointWeights {
    private CheckpointWeights() {}

    /**
     * The weights of a serialised ONNX model per layer, layers in name order.
     *
     * @throws DynamicsException when the model cannot be parsed or has no float initializer
     */
    public static Map<String, float[]> perLayer(Checkpoint checkpoint) {
        OnnxModel model;
        try {
            model = OnnxModel.fromBytes(checkpoint.model());
        } catch (RuntimeException e) {
            throw new DynamicsException(
                    "checkpoint " + checkpoint.fileName() + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        String ioc = model.proto().getMetadataPropsList().stream()
                .filter(p -> p.getKey().equals(OnnxExporter.IOC_WEIGHTS_KEY))
                .map(p -> p.getValue())
                .findFirst()
                .orElse("");
        if (ioc.equalsIgnoreCase(IocWeightExport.TRANSFORMED_INITIALIZERS.name())) {
            throw new DynamicsException("checkpoint " + checkpoint.fileName() + " holds IOC weights as exp(w - 5)"
                    + " initializers, from which the raw weights w of SPEC §10 cannot be recovered; write the"
                    + " checkpoints with IocWeightExport.IN_GRAPH, or use CheckpointSeries.fromParameters");
        }
        var byName = new TreeMap<String, float[]>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            String name = t.getName();
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE && !isBuffer(name) && !isIocConstant(name)) {
                byName.put(name, model.initializer(name).values());
            }
        }
        if (byName.isEmpty()) {
            throw new DynamicsException("checkpoint " + checkpoint.fileName() + " has no float initializer, so it has"
                    + " no weights to measure; export the checkpoint with its weights as initializers");
        }
        return group(byName);
    }

    /**
     * The raw trainable tensors of {@code parameters} per layer (SPEC §10's theta, for an IOC network the raw w),
     * grouped and ordered exactly as {@link #perLayer(Checkpoint)} groups the initializers of the same network.
     *
     * @throws DynamicsException when no tensor is trainable
     */
    public static Map<String, float[]> perLayer(ModelParameters parameters) {
        var byName = new TreeMap<String, float[]>();
        for (ParameterTensor t : parameters.tensors()) {
            if (t.trainable()) {
                byName.put(t.name(), t.values());
            }
        }
        if (byName.isEmpty()) {
            throw new DynamicsException("the parameters hold no trainable tensor, so there are no weights to measure");
        }
        return group(byName);
    }

    private static Map<String, float[]> group(Map<String, float[]> byName) {
        var grouped = new TreeMap<String, List<float[]>>();
        byName.forEach((name, values) ->
                grouped.computeIfAbsent(layerOf(name), k -> new ArrayList<>()).add(values));
        var result = new LinkedHashMap<String, float[]>();
        grouped.forEach((layer, parts) -> result.put(layer, concat(parts)));
        return result;
    }

    /** The layer an initializer belongs to: its name up to the last '.', or the whole name. */
    public static String layerOf(String initializerName) {
        int dot = initializerName.lastIndexOf('.');
        return dot <= 0 ? initializerName : initializerName.substring(0, dot);
    }

    private static boolean isBuffer(String name) {
        return name.endsWith("running_mean") || name.endsWith("running_var");
    }

    private static boolean isIocConstant(String name) {
        return OnnxExporter.IOC_CONSTANT_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
