package dev.onnxinspect.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts of the conformance run: models that ran, skips grouped by reason, failures. */
final class ConformanceReport {
    int ran;
    int ranWithAddedOutputs;
    int addedOutputs;
    int bitwiseEqual;
    int withinToleranceOnly;
    final Map<String, List<String>> skipped = new TreeMap<>();
    final List<String> failures = new ArrayList<>();
    final Map<Double, Integer> toleranceMet = new TreeMap<>();

    void skip(String test, String reason, String detail) {
        skipped.computeIfAbsent(reason, r -> new ArrayList<>()).add(detail == null ? test : test + " (" + detail + ")");
    }

    void fail(String test, String problem) {
        failures.add(test + ": " + problem);
    }

    int skippedCount() {
        return skipped.values().stream().mapToInt(List::size).sum();
    }

    String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "instrumentation conformance: %d ran (%d with added outputs, %d outputs added; "
                        + "original outputs bitwise equal in %d, within tolerance only in %d), %d skipped, %d failed%n",
                ran,
                ranWithAddedOutputs,
                addedOutputs,
                bitwiseEqual,
                withinToleranceOnly,
                skippedCount(),
                failures.size()));
        s.append("tolerance the original model met (rtol = atol): ")
                .append(toleranceMet)
                .append('\n');
        skipped.forEach((reason, tests) -> s.append(String.format(
                "  skipped %4d: %s, e.g. %s%n",
                tests.size(),
                reason,
                tests.stream()
                        .limit(Integer.getInteger("conformance.examples", 3))
                        .collect(Collectors.joining("; ")))));
        failures.forEach(f -> s.append("  FAILED: ").append(f).append('\n'));
        return s.toString();
    }
}
