package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An {@link EpochListener} that saves every checkpoint of a training run as an instrumented ONNX model
 * {@code <directory>/epoch-<ttt>.onnx} (SPEC §11 "a checkpoint per epoch"), readable by
 * {@link CheckpointSeries#fromDirectory(Path)}. Each file is written to a temporary name and renamed when complete.
 * The epoch is recorded in the model metadata as {@code onnx_inspect.checkpoint.epoch}.
 */
public final class CheckpointWriter implements EpochListener {
    private final Architecture architecture;
    private final Path directory;

    /** @param directory created if missing; existing checkpoint files of the same epochs are replaced */
    public CheckpointWriter(Architecture architecture, Path directory) {
        this.architecture = architecture;
        this.directory = directory;
    }

    /** The file name of checkpoint {@code step}: {@code epoch-000.onnx} for step 0 (at least three digits). */
    public static String fileName(int step) {
        return String.format(Locale.ROOT, "epoch-%03d.onnx", step);
    }

    @Override
    public void onEpoch(EpochRecord record, ModelParameters parameters) {
        ExportOptions options = ExportOptions.builder()
                .metadata("onnx_inspect.checkpoint.epoch", Integer.toString(record.epoch())).build();
        byte[] bytes = OnnxExporter.exportBytes(architecture, parameters, options);
        Path target = directory.resolve(fileName(record.epoch()));
        try {
            AtomicWrite.write(target, bytes);
        } catch (IOException e) {
            throw new DynamicsException("cannot write checkpoint " + target + ": " + e.getMessage()
                    + "; check that the directory is writable and the disk not full", e);
        }
    }
}
