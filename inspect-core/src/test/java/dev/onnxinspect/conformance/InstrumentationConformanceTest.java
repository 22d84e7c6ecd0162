package dev.onnxinspect.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.conformance.OrtReference.Skip;
import dev.onnxinspect.onnx.InstrumentedModel;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.ModelFormatException;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.TensorSelector;
import dev.onnxinspect.onnx.ValueInfo;
import dev.onnxinspect.onnx.ValueKind;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
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
            if (OrtReference.ortLoads(Files.readAllBytes(c.model()))) {
                throw new AssertionError("onnx-io rejects a model ONNX Runtime loads: " + e.getMessage());
            }
            throw new Skip("rejected by onnx-io and by ONNX Runtime", OrtReference.firstLine(e.getMessage()));
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
        try (OrtSession original = OrtReference.sessionOrSkip(model.toBytes())) {
            List<OrtReference.Run> runs = new ArrayList<>();
            for (BackendTestData.DataSet data : dataSets) {
                runs.add(OrtReference.runOriginal(original, description, data, outputNames));
            }
            OrtSession hooked;
            try {
                hooked = OrtReference.session(instrumented.model().toBytes());
            } catch (OrtException e) {
                throw new AssertionError(
                        "ONNX Runtime cannot load the instrumented model: " + OrtReference.firstLine(e.getMessage()));
            }
            try (hooked) {
                boolean bitwise = true;
                for (OrtReference.Run run : runs) {
                    Map<String, TensorValues> after = OrtReference.execute(hooked, run.inputs(), outputNames, true);
                    for (int i = 0; i < run.expected().size(); i++) {
                        String name = outputNames.get(i);
                        if (!run.expected().get(i).matches(after.get(name), run.tolerance())) {
                            throw new AssertionError("instrumented output '" + name + "' differs from the expected "
                                    + "output beyond the tolerance " + run.tolerance() + " the original met");
                        }
                        bitwise &= run.actual().get(name).bitwiseEquals(after.get(name));
                    }
                }
                report.ran++;
                double tolerance = runs.stream()
                        .mapToDouble(OrtReference.Run::tolerance)
                        .max()
                        .orElse(0);
                report.toleranceMet.merge(tolerance, 1, Integer::sum);
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

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
