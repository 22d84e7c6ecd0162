package dev.onnxinspect.spark;

import dev.onnxinspect.dynamics.DynamicsException;
import java.io.Serializable;
import java.util.Objects;

/**
 * One checkpoint of a training run for {@link SparkCheckpoints}: its step t and the path of its ONNX file, which every
 * executor must be able to read (a shared file system, or the same path on every machine in local mode).
 *
 * @param step the checkpoint step t (SPEC §9: t = 0 is the untrained model, theta_0 of SPEC §10)
 * @param path the ONNX file
 */
public record CheckpointFile(int step, String path) implements Serializable {
    public CheckpointFile {
        Objects.requireNonNull(path, "path");
        if (step < 0) {
            throw new DynamicsException("checkpoint steps must be >= 0, got " + step + " for " + path);
        }
    }
}
