package dev.onnxinspect.trainers.export;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.train.EpochListener;
import dev.onnxinspect.trainers.train.EpochRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link EpochListener} that writes every checkpoint (epoch 0 = initial weights) as an instrumented ONNX model
 * {@code checkpoint-<epoch, 3 digits>.onnx} in a run directory, with metadata {@code onnx_inspect.epoch} and
 * {@code onnx_inspect.run_id} plus the given extra entries. Each file is written to a temporary name and moved into
 * place, so an interrupted run never leaves a truncated checkpoint.
 */
public final class OnnxCheckpointWriter implements EpochListener {
    private final Architecture architecture;
    private final Path directory;
    private final String runId;
    private final ExportOptions options;

    /**
     * @param directory the run directory (created if missing)
     * @param options   export options; their metadata is extended with the epoch and run id
     */
    public OnnxCheckpointWriter(Architecture architecture, Path directory, String runId, ExportOptions options) {
        this.architecture = architecture;
        this.directory = directory;
        this.runId = runId;
        this.options = options;
    }

    /** The file of the checkpoint after {@code epoch}. */
    public static Path checkpointFile(Path directory, int epoch) {
        return directory.resolve(String.format(Locale.ROOT, "checkpoint-%03d.onnx", epoch));
    }

    @Override
    public void onEpoch(EpochRecord record, ModelParameters parameters) {
        ExportOptions withEpoch = ExportOptions.builder()
                .includePreActivations(options.includePreActivations())
                .iocWeights(options.iocWeights())
                .opset(options.opset())
                .metadata(options.metadata())
                .metadata(Map.of("onnx_inspect.epoch", Integer.toString(record.epoch()), "onnx_inspect.run_id", runId))
                .build();
        byte[] bytes = OnnxExporter.exportBytes(architecture, parameters, withEpoch);
        Path target = checkpointFile(directory, record.epoch());
        try {
            Files.createDirectories(directory);
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw new TrainingException(
                    Kind.IO,
                    "could not write checkpoint " + target + ": " + e.getMessage()
                            + "; check that the run directory is writable and the disk not full",
                    e);
        }
    }
}
