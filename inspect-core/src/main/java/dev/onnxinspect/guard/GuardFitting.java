package dev.onnxinspect.guard;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.ScoreCollector;
import dev.onnxinspect.onnx.DenseLayer;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps that build an {@link OodGuard}: find the dense head, open the instrumented model, stream the fit and
 * calibration passes through {@link Inspection}, and choose the kept detectors.
 */
final class GuardFitting {
    private GuardFitting() {
    }

    static DenseLayer denseHead(OnnxModel model) {
        DenseLayer last;
        try {
            last = model.lastDenseLayer();
        } catch (OnnxInspectException e) {
            throw new GuardException(e.kind(), "the model has no dense layer computing its first output, so there are"
                    + " no logits and penultimate features for the detectors: " + e.getMessage(), e);
        }
        for (ValueInfo input : model.describe().inputs()) {
            if (input.name().equals(last.inputName())) {
                throw new GuardException("the model's last dense layer (" + last.outputName() + ") reads the model"
                        + " input " + last.inputName() + " directly, so it has no hidden features for the detectors;"
                        + " a guard needs at least one hidden layer");
            }
        }
        return last;
    }

    static InferenceSession open(OnnxModel model, GuardLayout layout, SessionConfig config) {
        List<TensorSelector> selectors = new ArrayList<>();
        layout.outputs().forEach(name -> selectors.add(TensorSelector.name(name)));
        InferenceSession session = InferenceSession.open(model.instrument(selectors).model().toBytes(), config);
        try {
            session.checkInput(layout.sampleShape());
            return session;
        } catch (RuntimeException e) {
            closeAfterFailure(session, e);
            throw e;
        }
    }

    static Inspection inspection(InferenceSession session, DataSource source, GuardLayout layout,
                                 int batchSize, ClassSource classes) {
        return Inspection.builder(session, source).logitsOutput(layout.logitsOutput())
                .layers(layout.detectors().layers()).batchSize(batchSize).classSource(classes).build();
    }

    /** Fits every accumulator of the builder in one pass over the labelled fit set. */
    static void fit(InferenceSession session, DetectorSuite.Builder builder, GuardLayout layout, DataSource source,
                    int batchSize) {
        inspection(session, source, layout, batchSize, ClassSource.LABEL).run(layout.detectors().fitting(builder));
    }

    /** Every detector's scores of every calibration sample, by detector name. */
    static Map<String, double[]> calibrationScores(InferenceSession session, DetectorSuite suite,
                                                   GuardLayout layout, DataSource source, int batchSize) {
        ClassSource classes = source.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
        ScoreCollector scores = layout.detectors().scoring(suite);
        inspection(session, source, layout, batchSize, classes).run(scores);
        return scores.columns();
    }

    static DetectorSuite keep(DetectorSuite suite, List<String> names) {
        if (names.isEmpty()) {
            return suite;
        }
        List<OodDetector> kept = new ArrayList<>();
        for (String name : names) {
            knownName(name, suite);
            suite.detectors().stream().filter(d -> d.name().equals(name)).forEach(kept::add);
        }
        return DetectorSuite.of(kept);
    }

    static void knownName(String name, DetectorSuite suite) {
        if (!suite.names().contains(name)) {
            throw new GuardException("unknown detector '" + name + "'; the standard suite has " + suite.names());
        }
    }

    static void closeAfterFailure(InferenceSession session, RuntimeException primary) {
        try {
            session.close();
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }
}
