package dev.onnxinspect.audit;

import java.util.Locale;

/** What a dataset is in an audit. */
public enum DatasetRole {
    /** The labelled ID set the detectors and node classifiers were fitted on. */
    FIT,
    /** The in-distribution evaluation set. */
    ID,
    /** An out-of-distribution set. */
    OOD;

    /** The role as written in tables and reports: {@code fit}, {@code id}, {@code ood}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
