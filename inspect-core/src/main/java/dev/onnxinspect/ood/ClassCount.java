package dev.onnxinspect.ood;

/** Checks shared by the class-conditional detectors. */
final class ClassCount {
    private ClassCount() {}

    static int check(int classes) {
        if (classes <= 0) {
            throw new OodException("a class-conditional detector needs at least one class, got " + classes);
        }
        return classes;
    }

    /**
     * The class count read from a detector file ({@link DetectorFiles}): at least one, and at most 2^24. Choice: the
     * limit is far above any classifier's class count and keeps a damaged count from allocating gigabytes of
     * per-class arrays before the file ends.
     */
    static int checkSaved(int classes) {
        if (classes > 1 << 24) {
            throw new OodException("a detector file holds the class count " + classes + ", above the 2^24 any saved"
                    + " detector has: the file is damaged or not a detector file; fit and save the detectors again");
        }
        return check(classes);
    }

    /** The class of a fit sample, checked to lie in [0, classes). */
    static int checked(int c, int classes, int sample, String source) {
        if (c < 0 || c >= classes) {
            throw new OodException(source + " of fit sample " + sample + " is " + c + " but the detector was set up"
                    + " for " + classes + " classes; pass the model's number of classes");
        }
        return c;
    }

    /** The logits must have one column per class. */
    static void checkLogitWidth(DetectorInput input, int classes, String who) {
        if (input.classes() != classes) {
            throw new OodException(who + ": logits have width " + input.classes() + " but the detector was set up for "
                    + classes + " classes");
        }
    }

    /** A message listing the classes without data, for warnings. */
    static String missing(boolean[] present) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < present.length; c++) {
            if (!present[c]) {
                sb.append(sb.length() == 0 ? "" : ", ").append(c);
            }
        }
        return sb.toString();
    }
}
