package dev.onnxinspect.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts of {@link ModelSweepTest}: models tried, run by ONNX Runtime and by the library, refusals by reason. */
final class SweepReport {
    int notTried;
    int tried;
    int ortRuns;
    int ran;
    int ranAsBatch;
    int ranAsTensors;
    int ranMultiInput;
    /** Models with exactly one float32 input: those the session opened before it fed any number and type. */
    int ranSingleFloatInput;

    int ranNonFloatInput;
    int bitwiseEqual;
    int activationsChecked;
    long outputsRead;
    /** Models ONNX Runtime runs that the library refuses, by documented reason. */
    final Map<String, List<String>> refused = new TreeMap<>();

    final List<String> refusedUndocumented = new ArrayList<>();
    /** Models without an ONNX Runtime reference, by reason, each with the library's verdict. */
    final Map<String, List<String>> noReference = new TreeMap<>();
    /** For the models without a reference: how many the library opens, and its refusals by reason. */
    final Map<String, Integer> noReferenceVerdicts = new TreeMap<>();

    final List<String> failures = new ArrayList<>();

    void noReference(String test, String reason, String libraryRefusal) {
        noReference.computeIfAbsent(reason, r -> new ArrayList<>()).add(test);
        noReferenceVerdicts.merge(
                libraryRefusal == null ? "library opens it" : "library refuses: " + libraryRefusal, 1, Integer::sum);
    }

    String summary() {
        int refusedCount = refused.values().stream().mapToInt(List::size).sum();
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "model sweep: %d tried (%d directories without model.onnx not tried); ONNX Runtime runs"
                        + " %d; the library runs %d (%d as batches, %d as tensors of any rank; %d with several inputs,"
                        + " %d with non-float inputs, %d with one float32 input; outputs bitwise equal to ONNX"
                        + " Runtime's own in %d; %d outputs read; activations checked in %d) and refuses %d (%d for"
                        + " undocumented reasons); %d failed%n",
                tried,
                notTried,
                ortRuns,
                ran,
                ranAsBatch,
                ranAsTensors,
                ranMultiInput,
                ranNonFloatInput,
                ranSingleFloatInput,
                bitwiseEqual,
                outputsRead,
                activationsChecked,
                refusedCount + refusedUndocumented.size(),
                refusedUndocumented.size(),
                failures.size()));
        refused.forEach((reason, tests) ->
                s.append(String.format("  refused %4d: %s, e.g. %s%n", tests.size(), reason, examples(tests))));
        refusedUndocumented.forEach(
                r -> s.append("  REFUSED (undocumented): ").append(r).append('\n'));
        s.append(String.format(
                "no ONNX Runtime reference for %d models:%n",
                noReference.values().stream().mapToInt(List::size).sum()));
        noReference.forEach((reason, tests) ->
                s.append(String.format("  %4d: %s, e.g. %s%n", tests.size(), reason, examples(tests))));
        s.append("  the library's verdict on them: ")
                .append(noReferenceVerdicts)
                .append('\n');
        failures.forEach(f -> s.append("  FAILED: ").append(f).append('\n'));
        return s.toString();
    }

    private static String examples(List<String> tests) {
        return tests.stream()
                .limit(Integer.getInteger("conformance.examples", 3))
                .collect(Collectors.joining("; "));
    }
}
