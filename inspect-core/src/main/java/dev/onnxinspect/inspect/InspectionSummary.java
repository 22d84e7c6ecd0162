package dev.onnxinspect.inspect;

import dev.onnxinspect.runtime.Device;
import java.time.Duration;

/**
 * What an inspection did.
 *
 * @param dataset     the data source's name
 * @param samples     the number of samples passed to the hooks
 * @param skippedNonFinite the samples left out because an output had a NaN or infinite value
 *                    ({@link NonFinitePolicy#SKIP}; 0 otherwise)
 * @param batches     the number of batches
 * @param classSource where the classes came from
 * @param classCounts samples per class, indexed by class (length K)
 * @param device      the device ONNX Runtime ran on
 * @param elapsed     wall-clock time of the whole inspection
 */
public record InspectionSummary(
        String dataset,
        long samples,
        long skippedNonFinite,
        int batches,
        ClassSource classSource,
        long[] classCounts,
        Device device,
        Duration elapsed) {
    public InspectionSummary {
        classCounts = classCounts.clone();
    }

    @Override
    public long[] classCounts() {
        return classCounts.clone();
    }

    /** K, the number of classes (logits per sample). */
    public int numClasses() {
        return classCounts.length;
    }
}
