package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.io.Sha256;
import java.util.Arrays;

/**
 * One checkpoint t of a {@link CheckpointSeries}: the serialised ONNX model (an instrumented export whose graph
 * outputs include every hidden layer) with its step and file name. Immutable: the bytes are copied in and out.
 *
 * @param step     the checkpoint step t (e.g. the epoch; 0 = initial weights)
 * @param fileName the model's file name without directories, as recorded in the Arrow metadata (SPEC §12)
 * @param model    the ONNX {@code ModelProto} bytes
 */
public record Checkpoint(int step, String fileName, byte[] model) {
    public Checkpoint {
        if (step < 0) {
            throw new DynamicsException("checkpoint step must be >= 0 (0 = initial weights), got " + step);
        }
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new DynamicsException("checkpoint " + step + ": the file name must be a plain file name without"
                    + " directories, got '" + fileName + "'");
        }
        if (model == null || model.length == 0) {
            throw new DynamicsException("checkpoint " + step + " (" + fileName + ") has no model bytes;"
                    + " give the serialised ONNX model");
        }
        model = model.clone();
    }

    @Override
    public byte[] model() {
        return model.clone();
    }

    /** The SHA-256 of the model bytes, 64 lowercase hex digits (equal to the file's when read from a file). */
    public String sha256() {
        return Sha256.of(model);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c
                && step == c.step
                && fileName.equals(c.fileName)
                && Arrays.equals(model, c.model);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * step + fileName.hashCode()) + Arrays.hashCode(model);
    }

    @Override
    public String toString() {
        return "Checkpoint[step " + step + ", " + fileName + ", " + model.length + " bytes]";
    }
}
