package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.train.TrainingConfig;
import java.util.Objects;

/**
 * One configuration of an experiment grid: an architecture (its dropout is part of it), a training configuration
 * (weight decay, early stopping; its seed is replaced by each grid seed) and a data variant.
 *
 * @param name a name unique within the grid, used in run ids (letters, digits, '.', '_', '-')
 */
public record Experiment(String name, Architecture architecture, TrainingConfig config, DataVariant variant) {
    public Experiment {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variant, "variant");
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new TrainingException("experiment name '" + name + "' must be non-empty and use only letters, "
                    + "digits, '.', '_' and '-' (it names a directory)");
        }
    }

    /** The run id for one seed: {@code <name>-seed<seed>}. */
    public String runId(long seed) {
        return name + "-seed" + seed;
    }
}
