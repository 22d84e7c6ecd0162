package dev.onnxinspect.report;

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
 * @param rocCurves         drawn as small multiples: one chart per curve, grouped by (ID, OOD) pair, best AUROC first
 * @param training          optional training curves (one chart when not empty)
 * @param nodeClassifiers   SPEC §8 per layer: a table and a chart of the node accuracies each
 * @param interactions      SPEC §3 per dense layer (of the ID set): significant fractions and a heatmap each
 * @param interactionKl     SPEC §4 KL matrices of the interaction profiles
 * @param confusion         confusion matrices (the ID set's)
 * @param scoreDistributions one small chart each, grouped by (ID, OOD) pair in order
 * @param galleries         the most and least anomalous samples, with their inputs
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
        List<TrainingEpoch> training,
        List<NodeClassifierSummary> nodeClassifiers,
        List<InteractionSummary> interactions,
        List<KlMatrix> interactionKl,
        List<ConfusionTable> confusion,
        List<ScoreDistribution> scoreDistributions,
        List<SampleGallery> galleries) {

    /**
     * The most cells one class x neuron heatmap may have. Choice: 250,000 cells, drawn as one image (a pixel per
     * cell, {@link HeatmapChart#MAX_SVG_CELLS}), stay a few hundred KB; {@link ReportAssembler} draws the first classes
     * that fit (e.g. 122 of 1000 classes of a 2048-unit layer) and leaves out layers wider than this (their
     * frequencies are in the activation_frequency table).
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
        nodeClassifiers = copy(nodeClassifiers, "nodeClassifiers");
        interactions = copy(interactions, "interactions");
        interactionKl = copy(interactionKl, "interactionKl");
        confusion = copy(confusion, "confusion");
        scoreDistributions = copy(scoreDistributions, "scoreDistributions");
        galleries = copy(galleries, "galleries");
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
        private final List<NodeClassifierSummary> nodeClassifiers = new ArrayList<>();
        private final List<InteractionSummary> interactions = new ArrayList<>();
        private final List<KlMatrix> interactionKl = new ArrayList<>();
        private final List<ConfusionTable> confusion = new ArrayList<>();
        private final List<ScoreDistribution> scoreDistributions = new ArrayList<>();
        private final List<SampleGallery> galleries = new ArrayList<>();

        private Builder(String title, ClassSource classSource) {
            this.title = title;
            this.classSource = classSource;
        }

        public Builder parameter(String name, Object value) {
            parameters.add(new RunParameter(name, String.valueOf(value)));
            return this;
        }

        /** A parameter of a named group (see {@link RunParameter#groupOf} for the default). */
        public Builder parameter(String group, String name, Object value) {
            parameters.add(new RunParameter(group, name, String.valueOf(value)));
            return this;
        }

        public Builder nodeClassifier(NodeClassifierSummary summary) {
            nodeClassifiers.add(summary);
            return this;
        }

        public Builder interaction(InteractionSummary summary) {
            interactions.add(summary);
            return this;
        }

        public Builder interactionKl(KlMatrix matrix) {
            interactionKl.add(matrix);
            return this;
        }

        public Builder confusion(ConfusionTable table) {
            confusion.add(table);
            return this;
        }

        public Builder scoreDistribution(ScoreDistribution distribution) {
            scoreDistributions.add(distribution);
            return this;
        }

        public Builder gallery(SampleGallery gallery) {
            galleries.add(gallery);
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
                    training,
                    nodeClassifiers,
                    interactions,
                    interactionKl,
                    confusion,
                    scoreDistributions,
                    galleries);
        }
    }
}
