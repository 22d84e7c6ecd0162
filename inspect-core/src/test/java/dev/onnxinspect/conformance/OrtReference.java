package dev.onnxinspect.conformance;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime's own run of a backend test model on its test data, through the plain ORT Java API: the reference
 * the conformance tests hold the library to. Finds the tolerance within which ONNX Runtime meets the expected
 * outputs (the first of {@link #LADDER}).
 */
final class OrtReference {
    /** Tolerances tried in order (|a - e| <= t (1 + |e|)); the first one the original meets is its tolerance. */
    static final double[] LADDER = {0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2};

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtReference() {}

    /** A model that cannot take part, with the reason (grouped in the report) and a detail. */
    static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        Skip(String reason, String detail) {
            super(detail);
            this.reason = reason;
        }
    }

    /** One data set's inputs (graph input name and proto), the expected outputs and ONNX Runtime's, its tolerance. */
    record Run(
            List<Map.Entry<String, TensorProto>> inputs,
            List<TensorValues> expected,
            Map<String, TensorValues> actual,
            double tolerance) {}

    /**
     * Runs the original model on one data set: inputs named as in the proto when the graph has that name, else by
     * position; the expected outputs compared with the first {@code expected.size()} of {@code outputNames}.
     *
     * @throws Skip when ONNX Runtime cannot run it or misses the expected outputs beyond 1e-2, or the data cannot be
     *              read or created through the ORT Java API
     */
    static Run runOriginal(
            OrtSession session, ModelDescription description, BackendTestData.DataSet data, List<String> outputNames)
            throws Exception {
        List<String> inputNames =
                description.inputs().stream().map(ValueInfo::name).toList();
        List<Map.Entry<String, TensorProto>> inputs = new ArrayList<>();
        for (int i = 0; i < data.inputs().size(); i++) {
            TensorProto t = parse(data.inputs().get(i));
            String name =
                    inputNames.contains(t.getName()) ? t.getName() : i < inputNames.size() ? inputNames.get(i) : null;
            if (name == null) {
                throw new Skip(
                        "test data has more inputs than the graph",
                        data.inputs().get(i).toString());
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

    /**
     * Runs a session on the inputs and returns the named outputs; a failure skips the model (the original) or fails
     * the test (a model derived from one that ran, {@code derived}).
     */
    static Map<String, TensorValues> execute(
            OrtSession session, List<Map.Entry<String, TensorProto>> inputs, List<String> outputNames, boolean derived)
            throws Exception {
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
                if (derived) {
                    throw new AssertionError("the instrumented model fails to run: " + firstLine(e.getMessage()));
                }
                throw new Skip("ONNX Runtime cannot run the original model", firstLine(e.getMessage()));
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    static boolean ortLoads(byte[] model) {
        try (OrtSession s = session(model)) {
            return s.getNumInputs() >= 0;
        } catch (OrtException e) {
            return false;
        }
    }

    static OrtSession sessionOrSkip(byte[] model) throws Skip {
        try {
            return session(model);
        } catch (OrtException e) {
            throw new Skip("ONNX Runtime cannot load the original model", firstLine(e.getMessage()));
        }
    }

    /** A one-thread session that logs only fatal errors. */
    static OrtSession session(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return ENV.createSession(model, options);
        }
    }

    static TensorProto parse(Path p) throws IOException, Skip {
        try {
            return TensorProto.parseFrom(Files.readAllBytes(p));
        } catch (InvalidProtocolBufferException e) {
            throw new Skip("test data is not a TensorProto", p.getFileName().toString());
        }
    }

    static String firstLine(String message) {
        String m = message == null ? "" : message;
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }
}
