package dev.onnxinspect.dynamics;

/**
 * An inclusive range of checkpoint steps [first, last], e.g. the "early" or "middle" range of the early-to-mid ratio
 * (SPEC §9). A path similarity belongs to step t when it compares checkpoints t-1 and t.
 */
public record StepRange(int first, int last) {
    public StepRange {
        if (first < 0 || last < first) {
            throw new DynamicsException(
                    "invalid step range [" + first + ", " + last + "]: expected 0 <= first <= last (both inclusive)");
        }
    }

    public boolean contains(int step) {
        return step >= first && step <= last;
    }
}
