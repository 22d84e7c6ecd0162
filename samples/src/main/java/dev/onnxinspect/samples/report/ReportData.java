package dev.onnxinspect.samples.report;

import dev.onnxinspect.inspect.ClassSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one HTML report shows, as plain values; {@link HtmlReport} draws it. Made with {@link #builder}; every
 * list may be empty (its section then says "no data"). Deeply immutable.
 *
 * @param title             page title, e.g. the model file name
 * @param classSource       whether classes are true labels or predictions (SPEC §2)
 * @param parameters        run parameters, in display order
 * @param layers            the model's instrumented layers, in model order; the layer axis of the summary charts
 *                          follows this order (layers only named in summaries come after, in order of appearance)
 * @param histograms        one chart each
 * @param frequencyMatrices one heatmap each (usually the last layers only: a cell is drawn per class and neuron)
 * @param klMatrices        one heatmap each
 * @param layerSummaries    per layer, dataset and class; drawn as three line charts per dataset
 * @param detectorMetrics   rows of the detector table
 * @param rocCurves         drawn as one chart per (ID, OOD) pair with a line per detector
 * @param training          optional training curves (one chart when not empty)
 */
public record ReportData(
        String title,
        ClassSource classSource,
        List<RunParameter> parameters,
        List<LayerInfo> layers,
        List<FrequencyHistogram> histograms,
        List<FrequencyMatrix> frequencyMatrices,
        List<KlMatrix> klMatrices,
        List<LayerSummary> layerSummaries,
        List<DetectorMetrics> detectorMetrics,
        List<RocCurve> rocCurves,
        List<TrainingEpoch> training) {

    /**
     * The most cells one class x neuron heatmap may have. Choice: 250,000 cells is about 30 MB of SVG, the most a
     * browser opens without stalling; wider layers need fewer classes, {@code NeuronView.CHANNEL_MEAN}, or a layer
     * nearer the output.
     */
    public static final long MAX_HEATMAP_CELLS = 250_000;

    public ReportData {
        Require.text(title, "ReportData.title");
        if (classSource == null) {
            throw new ReportException("ReportData.classSource must be LABEL or PREDICTED, got null");
        }
        parameters = copy(parameters, "parameters");
        layers = copy(layers, "layers");
        histograms = copy(histograms, "histograms");
        frequencyMatrices = copy(frequencyMatrices, "frequencyMatrices");
        for (FrequencyMatrix matrix : frequencyMatrices) {
            long cells = (long) matrix.classes().size() * matrix.neurons();
            if (cells > MAX_HEATMAP_CELLS) {
                throw new ReportException("The frequency heatmap of layer '" + matrix.layer() + "' would draw " + cells
                        + " cells (" + matrix.classes().size() + " classes x " + matrix.neurons()
                        + " neurons), more than "
                        + MAX_HEATMAP_CELLS + "; draw heatmaps only for the last layers, or reduce convolutional "
                        + "layers with NeuronView.CHANNEL_MEAN");
            }
        }
        klMatrices = copy(klMatrices, "klMatrices");
        layerSummaries = copy(layerSummaries, "layerSummaries");
        detectorMetrics = copy(detectorMetrics, "detectorMetrics");
        rocCurves = copy(rocCurves, "rocCurves");
        training = copy(training, "training");
    }

    /** A builder with the required title and class source; everything else defaults to empty. */
    public static Builder builder(String title, ClassSource classSource) {
        return new Builder(title, classSource);
    }

    private static <T> List<T> copy(List<T> list, String field) {
        if (list == null) {
            throw new ReportException("ReportData." + field + " must not be null; pass List.of() for none");
        }
        try {
            return List.copyOf(list);
        } catch (NullPointerException e) {
            throw new ReportException("ReportData." + field + " must not contain null entries", e);
        }
    }

    /** Collects the report's values; {@link #build} validates and copies them. Not thread-safe. */
    public static final class Builder {
        private final String title;
        private final ClassSource classSource;
        private final List<RunParameter> parameters = new ArrayList<>();
        private final List<LayerInfo> layers = new ArrayList<>();
        private final List<FrequencyHistogram> histograms = new ArrayList<>();
        private final List<FrequencyMatrix> frequencyMatrices = new ArrayList<>();
        private final List<KlMatrix> klMatrices = new ArrayList<>();
        private final List<LayerSummary> layerSummaries = new ArrayList<>();
        private final List<DetectorMetrics> detectorMetrics = new ArrayList<>();
        private final List<RocCurve> rocCurves = new ArrayList<>();
        private final List<TrainingEpoch> training = new ArrayList<>();

        private Builder(String title, ClassSource classSource) {
            this.title = title;
            this.classSource = classSource;
        }

        public Builder parameter(String name, Object value) {
            parameters.add(new RunParameter(name, String.valueOf(value)));
            return this;
        }

        public Builder layer(LayerInfo layer) {
            layers.add(layer);
            return this;
        }

        public Builder histogram(FrequencyHistogram histogram) {
            histograms.add(histogram);
            return this;
        }

        public Builder frequencyMatrix(FrequencyMatrix matrix) {
            frequencyMatrices.add(matrix);
            return this;
        }

        public Builder klMatrix(KlMatrix matrix) {
            klMatrices.add(matrix);
            return this;
        }

        public Builder layerSummary(LayerSummary summary) {
            layerSummaries.add(summary);
            return this;
        }

        public Builder detectorMetrics(DetectorMetrics metrics) {
            detectorMetrics.add(metrics);
            return this;
        }

        public Builder rocCurve(RocCurve curve) {
            rocCurves.add(curve);
            return this;
        }

        public Builder trainingEpoch(TrainingEpoch epoch) {
            training.add(epoch);
            return this;
        }

        public ReportData build() {
            return new ReportData(
                    title,
                    classSource,
                    parameters,
                    layers,
                    histograms,
                    frequencyMatrices,
                    klMatrices,
                    layerSummaries,
                    detectorMetrics,
                    rocCurves,
                    training);
        }
    }
}
