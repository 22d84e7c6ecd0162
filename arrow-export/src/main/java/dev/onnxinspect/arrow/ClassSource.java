package dev.onnxinspect.arrow;

/**
 * Which class a sample was counted under (SPEC §2): its true label where labels exist, else the class the model
 * predicted. Recorded in every table's schema metadata as {@code label} or {@code predicted}.
 */
public enum ClassSource {
    LABEL("label"),
    PREDICTED("predicted");

    private final String metadataValue;

    ClassSource(String metadataValue) {
        this.metadataValue = metadataValue;
    }

    /** The value written to the {@code class_source} schema metadata key. */
    public String metadataValue() {
        return metadataValue;
    }
}
