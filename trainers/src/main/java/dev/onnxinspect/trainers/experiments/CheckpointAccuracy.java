package dev.onnxinspect.trainers.experiments;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.trainers.TrainingException;
import dev.onnxinspect.trainers.arch.Architecture;
import dev.onnxinspect.trainers.arch.Shapes;
import dev.onnxinspect.trainers.export.ExportOptions;
import dev.onnxinspect.trainers.export.OnnxExporter;
import dev.onnxinspect.trainers.model.ModelParameters;
import dev.onnxinspect.trainers.train.TrainingData;
import java.util.List;

/**
 * The accuracy of one checkpoint on a labelled data set, computed by exporting it ({@link OnnxExporter}) and running
 * it in ONNX Runtime; used for SPEC §11's test accuracy under image corruption after training. The session is opened
 * and closed inside {@link #of}.
 *
 * <p>Choice: the predicted class is the arg max of the logits, the lowest class index among equal maxima (as
 * {@code argmax} in PyTorch and NumPy). The data are fed in batches of {@value #BATCH} samples, reshaped to the
 * architecture's input shape (they must hold as many values per sample).
 */
public final class CheckpointAccuracy {
    /** Samples per ONNX Runtime call. */
    public static final int BATCH = 1000;

    private CheckpointAccuracy() {}

    /**
     * The fraction of samples of {@code data} whose arg max logit is their label.
     *
     * @throws TrainingException when the data are empty or do not fit the architecture's input size or classes
     */
    public static double of(Architecture architecture, ModelParameters parameters, TrainingData data) {
        int[] shape = architecture.inputShape();
        if (data.size() == 0 || data.sampleSize() != Shapes.size(shape)) {
            throw new TrainingException("cannot measure accuracy on " + data.size() + " samples of "
                    + data.sampleSize() + " values with a " + architecture.kind() + " that expects "
                    + Shapes.text(shape) + "; give a non-empty data set of that input size");
        }
        if (data.numClasses() != architecture.numClasses()) {
            throw new TrainingException("the data has " + data.numClasses() + " classes but the " + architecture.kind()
                    + " has " + architecture.numClasses() + " outputs");
        }
        byte[] model = OnnxExporter.exportBytes(architecture, parameters, ExportOptions.DEFAULTS);
        int k = architecture.numClasses();
        int d = data.sampleSize();
        long correct = 0;
        try (InferenceSession session = InferenceSession.open(model, SessionConfig.defaults())) {
            for (int from = 0; from < data.size(); from += BATCH) {
                int n = Math.min(BATCH, data.size() - from);
                float[] x = new float[n * d];
                for (int i = 0; i < n; i++) {
                    data.copySample(from + i, x, i * d);
                }
                LayerActivations logits = session.run(new Batch(x, n, shape, null), List.of(Architecture.LOGITS))
                        .get(Architecture.LOGITS);
                float[] z = logits.values();
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < k; c++) {
                        if (z[i * k + c] > z[i * k + best]) {
                            best = c;
                        }
                    }
                    if (best == data.label(from + i)) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / data.size();
    }
}
