package dev.onnxinspect.guard;

import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.ReshapedSource;
import dev.onnxinspect.inspect.ClassSource;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.GraphQueryException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.ood.DetectorSuite;
import dev.onnxinspect.ood.NnGuideDetector;
import dev.onnxinspect.ood.OodDetector;
import dev.onnxinspect.ood.RelationDetector;
import dev.onnxinspect.ood.ScoreCollector;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.ModelInput;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.MemoryEstimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps that build an {@link OodGuard}: choose the logits, features and dense head, open the instrumented model,
 * stream the fit and calibration passes through {@link Inspection}, and choose the kept detectors.
 */
final class GuardFitting {
    private static final Logger LOG = LoggerFactory.getLogger(GuardFitting.class);

    private GuardFitting() {}

    /** The logits, features and dense head the options name or the model's graph gives (as the audit's). */
    static ClassifierTensors tensors(OnnxModel model, GuardOptions options) {
        try {
            return model.classifierTensors(options.logitsOutput(), options.featureLayer(), options.head());
        } catch (GraphQueryException e) {
            throw new GuardException(e.kind(), "cannot choose the tensors the detectors read: " + e.getMessage(), e);
        }
    }

    /** Opens the model instrumented as a saved layout says, checked against the layout's inputs. */
    static InferenceSession open(OnnxModel model, GuardLayout layout, SessionConfig config) {
        InferenceSession session = open(model, layout.outputs(), config);
        try {
            List<InputSpec> specs = new ArrayList<>();
            layout.inputs().forEach(in -> specs.add(new InputSpec(in.name(), in.type(), in.fitShape())));
            session.checkInputs(specs);
            return session;
        } catch (RuntimeException e) {
            closeAfterFailure(session, e);
            throw e;
        }
    }

    /** Opens the model instrumented to expose {@code outputs} (the inputs are checked by the caller). */
    static InferenceSession open(OnnxModel model, List<String> outputs, SessionConfig config) {
        List<TensorSelector> selectors = new ArrayList<>();
        outputs.forEach(name -> selectors.add(TensorSelector.name(name)));
        return InferenceSession.open(model.instrument(selectors).model().toBytes(), config);
    }

    /**
     * A data source as the model takes it (as the audit does): a single float32 input reshaped to the model's fixed
     * sample shape where the value counts agree ({@link ReshapedSource#fitTo}), e.g. flat 784-value images for a
     * {@code [N, 1, 28, 28]} model; then checked against the model's inputs.
     *
     * @param role "fit set" or "calibration set", for the message
     * @throws GuardException naming the set when its inputs do not fit the model
     */
    static DataSource fitted(InferenceSession session, DataSource source, String role) {
        DataSource fitted =
                ReshapedSource.fitTo(source, session.inputs().size() == 1 ? session.inputShape() : new long[0]);
        try {
            session.checkInputs(fitted.inputs());
        } catch (InferenceException e) {
            throw new GuardException(
                    e.kind(), "the " + role + " " + source.name() + " does not fit the model: " + e.getMessage(), e);
        }
        return fitted;
    }

    /**
     * The model's inputs as a guard saves them: the model's element types and sample shapes (-1 where free), and the
     * shapes of the fit samples (-1 where they vary), matched by name (an unnamed source feeds the only input).
     */
    static List<GuardInput> inputs(InferenceSession session, DataSource fit) {
        List<GuardInput> inputs = new ArrayList<>();
        List<InputSpec> specs = fit.inputs();
        for (ModelInput in : session.inputs()) {
            InputSpec spec = specs.stream()
                    .filter(s -> in.name().equals(s.name()) || (s.name() == null && specs.size() == 1))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "checked sources feed every input; " + in.name() + " is not fed by " + specs));
            long[] fitShape = spec.sampleShape();
            long[] modelShape = in.shape();
            long[] shape = modelShape.length == fitShape.length + 1
                    ? Arrays.copyOfRange(modelShape, 1, modelShape.length)
                    : fitShape.clone();
            inputs.add(new GuardInput(in.name(), in.type(), shape, fitShape));
        }
        return inputs;
    }

    static Inspection inspection(
            InferenceSession session,
            DataSource source,
            GuardLayout layout,
            GuardOptions options,
            ClassSource classes) {
        return Inspection.builder(session, source)
                .logitsOutput(layout.logitsOutput())
                .layers(layout.detectors().layers())
                .batchSize(options.batchSize())
                .classSource(classes)
                .nonFinite(options.nonFinite())
                .build();
    }

    /**
     * Fits every accumulator of the builder in one pass over the labelled fit set; the SPEC §5b banks (NNGuide,
     * Relation: they grow with the fit set) are stated in the log first when the fit set's size is known.
     *
     * @return the samples skipped for non-finite outputs
     */
    static long fit(
            InferenceSession session,
            DetectorSuite.Builder builder,
            GuardLayout layout,
            DataSource source,
            GuardOptions options) {
        if (source.size() >= 0 && layout.featureLayer() != null) {
            int d = session.outputWidth(layout.featureLayer());
            if (d > 0) {
                for (MemoryEstimate bank : List.of(
                        NnGuideDetector.estimate(source.size(), d),
                        RelationDetector.estimate(source.size(), d, layout.classes()))) {
                    LOG.info("{}: {} MiB", bank.description(), String.format(Locale.ROOT, "%.1f", bank.mebibytes()));
                }
            }
        }
        return inspection(session, source, layout, options, ClassSource.LABEL)
                .run(layout.detectors().fitting(builder))
                .skippedNonFinite();
    }

    /** Every detector's scores of every calibration sample, by detector name, and the samples skipped. */
    record Calibration(Map<String, double[]> scores, long skippedNonFinite) {}

    static Calibration calibrationScores(
            InferenceSession session,
            DetectorSuite suite,
            GuardLayout layout,
            DataSource source,
            GuardOptions options) {
        ClassSource classes = source.labelled() ? ClassSource.LABEL : ClassSource.PREDICTED;
        ScoreCollector scores = layout.detectors().scoring(suite);
        long skipped = inspection(session, source, layout, options, classes)
                .run(scores)
                .skippedNonFinite();
        return new Calibration(scores.columns(), skipped);
    }

    /**
     * The detectors named (all when none is), each known; {@code skipped} lists the detectors the model could not
     * feed, with the reason.
     */
    static DetectorSuite keep(DetectorSuite suite, List<String> names, List<String> skipped) {
        if (names.isEmpty()) {
            return suite;
        }
        List<OodDetector> kept = new ArrayList<>();
        for (String name : names) {
            knownName(name, suite, skipped);
            suite.detectors().stream().filter(d -> d.name().equals(name)).forEach(kept::add);
        }
        return DetectorSuite.of(kept);
    }

    /** Refuses a detector name the suite lacks: unknown, or left out because the model cannot feed it (the reason). */
    static void knownName(String name, DetectorSuite suite, List<String> skipped) {
        if (suite.names().contains(name)) {
            return;
        }
        for (String why : skipped) {
            int colon = why.indexOf(": ");
            if (colon > 0 && List.of(why.substring(0, colon).split(", ")).contains(name)) {
                throw new GuardException("detector '" + name + "' cannot run on this model: " + why.substring(colon + 2)
                        + "; choose among " + suite.names());
            }
        }
        throw new GuardException("unknown detector '" + name + "'; the standard suite has " + suite.names());
    }

    static void closeAfterFailure(InferenceSession session, RuntimeException primary) {
        try {
            session.close();
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }
}
