package dev.onnxinspect.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * Reads the weights theta_t of SPEC §10 from a checkpoint's ONNX bytes, per layer, as
 * {@link dev.onnxinspect.dynamics.WeightNormAccumulator} takes them. It runs on the executors, hence serializable. For
 * checkpoints written by the trainers, pass {@code (name, bytes) -> CheckpointWeights.perLayer(new Checkpoint(step,
 * name, bytes))} from the samples module, which knows the IOC export (this module does not depend on it).
 */
@FunctionalInterface
public interface WeightReader extends Serializable {
    /** The weights of the checkpoint file {@code fileName} whose bytes are {@code model}, layers in a fixed order. */
    Map<String, float[]> read(String fileName, byte[] model);
}
