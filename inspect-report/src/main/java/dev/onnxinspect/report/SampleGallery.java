package dev.onnxinspect.report;

import java.util.List;

/**
 * The samples of one dataset that one detector finds most (or least) anomalous, with their inputs: a thumbnail for
 * an image input, else the first values. Deeply immutable.
 *
 * @param title    what the gallery shows, e.g. "most anomalous of mnist-digits"
 * @param detector the score column that ranked them
 * @param samples  the samples, in rank order
 */
public record SampleGallery(String title, String detector, List<Sample> samples) {
    /**
     * One sample.
     *
     * @param index     the sample's index in its dataset (row i of its files)
     * @param score     the detector's score (higher = more OOD)
     * @param label     the true class label, or null when the dataset has none
     * @param predicted the predicted class label
     * @param image     a {@code data:image/png;base64,...} thumbnail, or null for an input that is not an image
     * @param values    the input's first values as text (for inputs that are not images; may be empty)
     */
    public record Sample(int index, double score, String label, String predicted, String image, String values) {
        public Sample {
            Require.text(predicted, "SampleGallery.Sample.predicted");
            if (image != null && !image.startsWith("data:image/png;base64,")) {
                throw new ReportException("SampleGallery.Sample.image must be a PNG data URI (the report requests"
                        + " nothing), got " + image.substring(0, Math.min(40, image.length())));
            }
            values = values == null ? "" : values;
        }
    }

    public SampleGallery {
        Require.text(title, "SampleGallery.title");
        Require.text(detector, "SampleGallery.detector");
        samples = List.copyOf(samples);
    }
}
