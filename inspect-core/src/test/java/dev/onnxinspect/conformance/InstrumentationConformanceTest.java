package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.ModelFormatException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For every ONNX backend test model ONNX Runtime can run: run it, find the tolerance within which it meets the
 * expected outputs, instrument every intermediate tensor, run again, and require the original outputs to meet the
 * expected outputs within that same tolerance. Skips are grouped by reason and logged with the counts.
 */
class InstrumentationConformanceTest {
    private static final Logger LOG = LoggerFactory.getLogger(InstrumentationConformanceTest.class);
    /** Tolerances tried in order (|a - e| <= t (1 + |e|)); the first one the original meets is its tolerance. */
    private static final double[] LADDER = {0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2};
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** A model that cannot take part, with the reason (grouped in the report) and a detail. */
    private static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        Skip(String reason, String detail) {
            super(detail);
            this.reason = reason;
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void instrumentingEveryIntermediateTensorKeepsTheOriginalOutputs() throws IOException {
        ConformanceReport report = new ConformanceReport();
        for (BackendTestData.Case c : BackendTestData.cases()) {
            try {
                check(c, report);
            } catch (Skip s) {
                report.skip(c.name(), s.reason, s.getMessage());
            } catch (Throwable t) {
                report.fail(c.name(), t.toString());
            }
        }
        LOG.info("{}", report.summary());
        assertThat(report.failures).as(report.summary()).isEmpty();
        // the check must not pass vacuously: most node tests run
        assertThat(report.ran).as(report.summary()).isGreaterThan(500);
        assertThat(report.ranWithAddedOutputs).as(report.summary()).isGreaterThan(100);
    }

    private static void check(BackendTestData.Case c, ConformanceReport report) throws Exception {
        if (!Files.isRegularFile(c.model())) {
            throw new Skip("no model.onnx in the directory (a model downloaded separately)", null);
        }
        OnnxModel model;
        try {
            model = OnnxModel.load(c.model());
        } catch (ModelFormatException e) {
            if (ortLoads(Files.readAllBytes(c.model()))) {
                throw new AssertionError("onnx-io rejects a model ONNX Runtime loads: " + e.getMessage());
            }
            throw new Skip("rejected by onnx-io and by ONNX Runtime", firstLine(e.getMessage()));
        }
        ModelDescription description = model.describe();
        for (ValueInfo v : concat(description.inputs(), description.outputs())) {
            if (v.kind() != ValueKind.TENSOR) {
                throw new Skip("sequence/map/optional graph input or output", v.format());
            }
        }
        List<BackendTestData.DataSet> dataSets = c.dataSets();
        if (dataSets.isEmpty()) {
            throw new Skip("no test_data_set", null);
        }
        InstrumentedModel instrumented = model.instrument(TensorSelector.all());
        List<String> outputNames = instrumented.originalOutputs();
        try (OrtSession original = sessionOrSkip(model.toBytes())) {
            List<Run> runs = new ArrayList<>();
            for (BackendTestData.DataSet data : dataSets) {
                runs.add(runOriginal(original, description, data, outputNames));
            }
            OrtSession hooked;
            try {
                hooked = session(instrumented.model().toBytes());
            } catch (OrtException e) {
                throw new AssertionError("ONNX Runtime cannot load the instrumented model: " + firstLine(e.getMessage()));
            }
            try (hooked) {
                boolean bitwise = true;
                for (Run run : runs) {
                    Map<String, TensorValues> after = execute(hooked, run.inputs, outputNames, true);
                    for (int i = 0; i < run.expected.size(); i++) {
                        String name = outputNames.get(i);
                        if (!run.expected.get(i).matches(after.get(name), run.tolerance)) {
                            throw new AssertionError("instrumented output '" + name + "' differs from the expected "
                                    + "output beyond the tolerance " + run.tolerance + " the original met");
                        }
                        bitwise &= run.actual.get(name).bitwiseEquals(after.get(name));
                    }
                }
                report.ran++;
                report.toleranceMet.merge(runs.stream().mapToDouble(r -> r.tolerance).max().orElse(0), 1, Integer::sum);
                if (!instrumented.addedOutputs().isEmpty()) {
                    report.ranWithAddedOutputs++;
                    report.addedOutputs += instrumented.addedOutputs().size();
                }
                if (bitwise) {
                    report.bitwiseEqual++;
                } else {
                    report.withinToleranceOnly++;
                }
            }
        }
    }

    /** One data set's inputs (as protos), the expected outputs and the original model's outputs. */
    private record Run(List<Map.Entry<String, TensorProto>> inputs, List<TensorValues> expected,
                       Map<String, TensorValues> actual, double tolerance) {
    }

    private static Run runOriginal(OrtSession session, ModelDescription description, BackendTestData.DataSet data,
                                   List<String> outputNames) throws Exception {
        List<String> inputNames = description.inputs().stream().map(ValueInfo::name).toList();
        List<Map.Entry<String, TensorProto>> inputs = new ArrayList<>();
        for (int i = 0; i < data.inputs().size(); i++) {
            TensorProto t = parse(data.inputs().get(i));
            String name = inputNames.contains(t.getName()) ? t.getName()
                    : i < inputNames.size() ? inputNames.get(i) : null;
            if (name == null) {
                throw new Skip("test data has more inputs than the graph", data.inputs().get(i).toString());
            }
            inputs.add(Map.entry(name, t));
        }
        List<TensorValues> expected = new ArrayList<>();
        for (Path p : data.outputs()) {
            try {
                expected.add(OrtTensors.fromProto(parse(p)));
            } catch (OrtTensors.UnsupportedType e) {
                throw new Skip("output element type not comparable through ORT Java", e.getMessage());
            }
        }
        if (expected.size() > outputNames.size()) {
            throw new Skip("test data has more outputs than the graph", null);
        }
        Map<String, TensorValues> actual = execute(session, inputs, outputNames, false);
        double tolerance = Double.NaN;
        for (double t : LADDER) {
            boolean all = true;
            for (int i = 0; i < expected.size() && all; i++) {
                all = expected.get(i).matches(actual.get(outputNames.get(i)), t);
            }
            if (all) {
                tolerance = t;
                break;
            }
        }
        if (Double.isNaN(tolerance)) {
            throw new Skip("original model's ORT output differs from the expected output beyond 1e-2", null);
        }
        return new Run(inputs, expected, actual, tolerance);
    }

    /** Runs a session on the inputs and returns the named outputs; errors skip the original or fail the hooked. */
    private static Map<String, TensorValues> execute(OrtSession session, List<Map.Entry<String, TensorProto>> inputs,
                                                     List<String> outputNames, boolean instrumented) throws Exception {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, TensorProto> in : inputs) {
                try {
                    feeds.put(in.getKey(), OrtTensors.toOrt(ENV, in.getValue()));
                } catch (OrtTensors.UnsupportedType e) {
                    throw new Skip("input element type cannot be created with the ORT Java API", e.getMessage());
                }
            }
            try (OrtSession.Result result = session.run(feeds)) {
                Map<String, TensorValues> values = new LinkedHashMap<>();
                for (String name : outputNames) {
                    try {
                        values.put(name, OrtTensors.fromOrt(result.get(name).orElseThrow()));
                    } catch (OrtTensors.UnsupportedType e) {
                        throw new Skip("output element type not comparable through ORT Java", e.getMessage());
                    }
                }
                return values;
            } catch (OrtException e) {
                if (instrumented) {
                    throw new AssertionError("the instrumented model fails to run: " + firstLine(e.getMessage()));
                }
                throw new Skip("ONNX Runtime cannot run the original model", firstLine(e.getMessage()));
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static boolean ortLoads(byte[] model) {
        try (OrtSession s = session(model)) {
            return s.getNumInputs() >= 0;
        } catch (OrtException e) {
            return false;
        }
    }

    private static OrtSession sessionOrSkip(byte[] model) throws Skip {
        try {
            return session(model);
        } catch (OrtException e) {
            throw new Skip("ONNX Runtime cannot load the original model", firstLine(e.getMessage()));
        }
    }

    private static OrtSession session(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return ENV.createSession(model, options);
        }
    }

    private static TensorProto parse(Path p) throws IOException, Skip {
        try {
            return TensorProto.parseFrom(Files.readAllBytes(p));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new Skip("test data is not a TensorProto", p.getFileName().toString());
        }
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message;
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
