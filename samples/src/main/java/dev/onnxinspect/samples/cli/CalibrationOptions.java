package dev.onnxinspect.samples.cli;

import dev.onnxinspect.guard.GuardOptions;
import picocli.CommandLine.Option;

/**
 * How a guard's decisions are calibrated (SPEC §6b), for the commands that fit one ({@code fit}, {@code serve}):
 * a target false-alarm rate decided by conformal p-value, and a calibration share held out from the fit set.
 */
final class CalibrationOptions {
    @Option(
            names = "--false-alarm-rate",
            paramLabel = "A",
            description = "Flag a sample when its conformal p-value is <= A (SPEC §6b): at most a share A of"
                    + " in-distribution inputs is flagged. Needs --calibration or --holdout-every. Default: decide by"
                    + " the --tpr threshold; p-values are reported either way.")
    double falseAlarmRate;

    @Option(
            names = "--holdout-every",
            paramLabel = "M",
            description = "Without --calibration, hold out every M-th fit sample (index i with i % M == M - 1) for"
                    + " calibration, never fitted on (e.g. 10 holds out 10%%). Default: calibrate on the fit set"
                    + " (optimistic for fitted detectors; no p-value guarantee).")
    int holdoutEvery;

    GuardOptions.Builder apply(GuardOptions.Builder b) {
        return b.falseAlarmRate(falseAlarmRate).calibrationHoldout(holdoutEvery);
    }
}
