package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;

/** Validation shared by the architecture records. */
final class ArchitectureChecks {
    private ArchitectureChecks() {}

    static int[] inputShape(String kind, int[] shape) {
        if (shape == null || shape.length == 0) {
            throw new TrainingException(
                    kind + ": the input shape must have at least one axis, e.g. [784] or " + "[1, 28, 28]");
        }
        for (int s : shape) {
            if (s <= 0) {
                throw new TrainingException(kind + ": input shape axes must be positive, got " + Shapes.text(shape));
            }
        }
        return shape.clone();
    }

    static int[] widths(String kind, int[] widths) {
        if (widths == null) {
            throw new TrainingException(kind + ": hidden widths must not be null (use an empty array for none)");
        }
        for (int w : widths) {
            if (w <= 0) {
                throw new TrainingException(kind + ": hidden widths must be positive, got " + Shapes.text(widths));
            }
        }
        return widths.clone();
    }

    static void classes(String kind, int numClasses) {
        if (numClasses < 2) {
            throw new TrainingException(kind + ": expected at least 2 classes, got " + numClasses);
        }
    }

    static void dropout(String kind, double rate) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new TrainingException(kind + ": dropout rate must be in [0, 1), got " + rate);
        }
    }
}
