package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.conformance.OrtReference.Skip;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.ModelFormatException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.runtime.TypedTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's own session over the ONNX backend test data (issue 20): every model that ONNX Runtime itself runs
 * on its {@code test_data_set} inputs (the reference: the plain ORT Java API, as in
 * {@link InstrumentationConformanceTest}) is instrumented (every intermediate tensor made an output), opened by
 * {@link InferenceSession}, and run through it on the same inputs, fed by name in their own element types: as one
 * {@link Batch} where the inputs share a batch dimension, else as {@link TypedTensor}s of any rank. Its original
 * outputs must have the expected element type and meet the expected values within the tolerance ONNX Runtime's own
 * run meets; for batches, every output with the batch dimension is also read as float32 activations and must equal
 * its typed values converted by {@link TypedTensor#toFloats()}. The library may refuse such a model only for a
 * reason its documentation lists as unsupported ({@link #DOCUMENTED}). Counts are logged: tried, ONNX Runtime runs,
 * the library runs, refusals by reason, and why ONNX Runtime could not serve as a reference.
 */
class ModelSweepTest {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSweepTest.class);
    /** The features InferenceSession documents as unsupported (the text in its refusals' parentheses). */
    private static final Set<String> DOCUMENTED = Set.of(
            "sequence inputs are not supported",
            "map inputs are not supported",
            "optional inputs and outputs are not supported",
            "string tensors are not supported");

    private static final Pattern REASON = Pattern.compile("\\(([^()]*not supported)\\)");
    private static final Pattern TYPE_REASON = Pattern.compile("([A-Z0-9]+) is not supported");
    private static final SessionConfig CONFIG =
            SessionConfig.builder().intraOpThreads(1).interOpThreads(1).build();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theLibraryRunsEveryModelOnnxRuntimeRunsWithTheOriginalOutputsUnchanged() throws IOException {
        SweepReport report = new SweepReport();
        for (BackendTestData.Case c : BackendTestData.cases()) {
            try {
                sweep(c, report);
            } catch (Throwable t) {
                report.failures.add(c.name() + ": " + t);
            }
        }
        String summary = report.summary();
        LOG.info("{}", summary);
        assertThat(report.failures).as(summary).isEmpty();
        assertThat(report.refusedUndocumented).as(summary).isEmpty();
        // not vacuous: most models ONNX Runtime runs go through the library, by both feeding paths, with several and
        // non-float inputs among them
        assertThat(report.ortRuns).as(summary).isGreaterThan(800);
        assertThat(report.ran).as(summary).isGreaterThan(report.ortRuns * 9 / 10);
        assertThat(report.ranAsBatch).as(summary).isGreaterThan(200);
        assertThat(report.ranAsTensors).as(summary).isGreaterThan(100);
        assertThat(report.ranMultiInput).as(summary).isGreaterThan(200);
        assertThat(report.ranNonFloatInput).as(summary).isGreaterThan(100);
        assertThat(report.activationsChecked).as(summary).isGreaterThan(200);
    }

    private static void sweep(BackendTestData.Case c, SweepReport report) throws Exception {
        if (!Files.isRegularFile(c.model())) {
            report.notTried++;
            return;
        }
        report.tried++;
        OnnxModel model;
        try {
            model = OnnxModel.load(c.model());
        } catch (ModelFormatException e) {
            if (OrtReference.ortLoads(Files.readAllBytes(c.model()))) {
                throw new AssertionError("onnx-io rejects a model ONNX Runtime loads: " + e.getMessage());
            }
            report.noReference(c.name(), "rejected by onnx-io and by ONNX Runtime", null);
            return;
        }
        InstrumentedModel instrumented = model.instrument(TensorSelector.all());
        InferenceSession session = null;
        String refusal = null;
        try {
            session = InferenceSession.open(instrumented.model().toBytes(), CONFIG);
        } catch (InferenceException e) {
            refusal = e.getMessage();
        }
        try {
            List<OrtReference.Run> runs;
            try {
                runs = reference(c, model, instrumented.originalOutputs());
            } catch (Skip s) {
                report.noReference(c.name(), s.reason, refusal == null ? null : reason(refusal));
                return;
            }
            report.ortRuns++;
            if (refusal != null) {
                String reason = documentedReason(refusal);
                if (reason == null) {
                    report.refusedUndocumented.add(c.name() + ": " + refusal);
                } else {
                    report.refused
                            .computeIfAbsent(reason, r -> new ArrayList<>())
                            .add(c.name());
                }
                return;
            }
            run(session, instrumented, runs, report);
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /** ONNX Runtime's own runs of the original model on every data set, or why there is no reference. */
    private static List<OrtReference.Run> reference(BackendTestData.Case c, OnnxModel model, List<String> outputs)
            throws Exception {
        ModelDescription description = model.describe();
        List<ValueInfo> values = new ArrayList<>(description.inputs());
        values.addAll(description.outputs());
        for (ValueInfo v : values) {
            if (v.kind() != ValueKind.TENSOR) {
                throw new Skip("sequence/map/optional graph input or output (no ORT Java reference)", v.format());
            }
        }
        List<BackendTestData.DataSet> dataSets = c.dataSets();
        if (dataSets.isEmpty()) {
            throw new Skip("no test_data_set", null);
        }
        List<OrtReference.Run> runs = new ArrayList<>();
        try (OrtSession original = OrtReference.sessionOrSkip(model.toBytes())) {
            for (BackendTestData.DataSet data : dataSets) {
                runs.add(OrtReference.runOriginal(original, description, data, outputs));
            }
        }
        return runs;
    }

    private static void run(
            InferenceSession session, InstrumentedModel instrumented, List<OrtReference.Run> runs, SweepReport report)
            throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String name : session.outputNames()) {
            if (TypedTensor.SUPPORTED.contains(session.outputType(name))) {
                outputs.add(name);
            } else if (instrumented.originalOutputs().contains(name)) {
                throw new AssertionError("original output " + name + " of type " + session.outputType(name)
                        + " cannot be read by the library");
            }
        }
        List<String> originals = instrumented.originalOutputs();
        boolean asBatch = true;
        boolean bitwise = true;
        boolean nonFloat = false;
        for (OrtReference.Run run : runs) {
            List<TypedTensor> inputs = new ArrayList<>();
            for (Map.Entry<String, TensorProto> in : run.inputs()) {
                TypedTensor t = OrtTensors.toTyped(in.getKey(), in.getValue());
                inputs.add(t);
                nonFloat |= t.type() != ElementType.FLOAT;
            }
            Batch batch = batchOf(inputs);
            asBatch &= batch != null;
            Map<String, TypedTensor> out =
                    batch != null ? session.runTensors(batch, outputs) : session.runTensors(inputs, outputs);
            for (int i = 0; i < run.expected().size(); i++) {
                String name = originals.get(i);
                TensorValues expected = run.expected().get(i);
                TypedTensor actual = out.get(name);
                if (!expected.type().equals(actual.type().name())) {
                    throw new AssertionError(
                            "output " + name + " has type " + actual.type() + ", expected " + expected.type());
                }
                TensorValues values = OrtTensors.fromTyped(actual);
                if (!expected.matches(values, run.tolerance())) {
                    throw new AssertionError("output " + name + " differs from the expected output beyond the"
                            + " tolerance " + run.tolerance() + " ONNX Runtime's own run met");
                }
                bitwise &= run.actual().get(name).bitwiseEquals(values);
            }
            if (batch != null && checkActivations(session, batch, out)) {
                report.activationsChecked++;
            }
        }
        report.ran++;
        report.outputsRead += outputs.size();
        if (asBatch) {
            report.ranAsBatch++;
        } else {
            report.ranAsTensors++;
        }
        if (session.inputs().size() > 1) {
            report.ranMultiInput++;
        }
        if (session.inputs().size() == 1 && session.inputs().get(0).type() == ElementType.FLOAT) {
            report.ranSingleFloatInput++;
        }
        if (nonFloat) {
            report.ranNonFloatInput++;
        }
        if (bitwise) {
            report.bitwiseEqual++;
        }
    }

    /** The inputs as one batch when all have a first dimension of the same size >= 1 and a feedable type. */
    private static Batch batchOf(List<TypedTensor> inputs) {
        if (inputs.isEmpty()) {
            return null;
        }
        long size = inputs.get(0).shape().length > 0 ? inputs.get(0).shape()[0] : 0;
        List<InputTensor> tensors = new ArrayList<>();
        for (TypedTensor t : inputs) {
            if (t.shape().length == 0
                    || t.shape()[0] != size
                    || size < 1
                    || !InputTensor.SUPPORTED.contains(t.type())) {
                return null;
            }
            tensors.add(new InputTensor(t.name(), t.type(), t.shape(), t.data()));
        }
        return new Batch((int) size, tensors, null);
    }

    /**
     * Reads every numeric output with the batch dimension (rank >= 1) as activations and checks them against the
     * typed values converted to float32; false when there is none.
     */
    private static boolean checkActivations(InferenceSession session, Batch batch, Map<String, TypedTensor> typed) {
        List<String> layers = new ArrayList<>();
        for (TypedTensor t : typed.values()) {
            if (t.type() != ElementType.STRING && t.shape().length > 0 && t.shape()[0] == batch.size()) {
                layers.add(t.name());
            }
        }
        if (layers.isEmpty()) {
            return false;
        }
        Map<String, LayerActivations> activations = session.run(batch, layers);
        for (String layer : layers) {
            float[] expected = typed.get(layer).toFloats();
            float[] actual = activations.get(layer).values();
            if (!Arrays.equals(expected, actual)) {
                throw new AssertionError("output " + layer + " read as activations differs from its typed values");
            }
        }
        return true;
    }

    /** The documented feature a refusal names, or null when its reason is not documented as unsupported. */
    static String documentedReason(String message) {
        Matcher m = REASON.matcher(message);
        while (m.find()) {
            String reason = m.group(1);
            if (DOCUMENTED.contains(reason)) {
                return reason;
            }
            Matcher type = TYPE_REASON.matcher(reason);
            if (type.matches() && isUnfeedable(type.group(1))) {
                return "input element type " + reason;
            }
        }
        return null;
    }

    private static boolean isUnfeedable(String type) {
        try {
            return !InputTensor.SUPPORTED.contains(ElementType.valueOf(type));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A refusal's documented reason, "ONNX Runtime cannot open it", or its first line. */
    private static String reason(String message) {
        String documented = documentedReason(message);
        if (documented != null) {
            return documented;
        }
        return message.startsWith("ONNX Runtime cannot open")
                ? "ONNX Runtime cannot open it"
                : OrtReference.firstLine(message);
    }
}
