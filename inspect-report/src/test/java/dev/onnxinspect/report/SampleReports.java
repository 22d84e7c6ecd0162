package dev.onnxinspect.report;

import dev.onnxinspect.inspect.ClassSource;
import java.util.List;
import java.util.Random;

/**
 * A realistic report for rendering tests: a small CNN on Fashion-MNIST classes with MNIST digits as OOD, seeded
 * pseudo-random statistics, and one layer whose name is hostile HTML.
 */
final class SampleReports {
    static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final String HOSTILE_LAYER = "fc1<img src=x onerror=alert(1)>&\"'";
    static final List<String> DETECTORS = List.of("MSP", "Energy", "Mahalanobis", "KNN", "ViM", "NAP Hamming");
    /** Neurons of the two layers drawn as class x neuron heatmaps. */
    static final int FC1_NEURONS = 512;

    static final int FC2_NEURONS = 32;

    private SampleReports() {}

    /** Interactions drawn in the interaction heatmap of {@link #full()}. */
    static final int TOP_INTERACTIONS = 64;

    /** Samples per gallery of {@link #full()}: two galleries of 28 x 28 images, one of values. */
    static final int GALLERY_SAMPLES = 8;

    /**
     * Charts in {@link #full()}: 3 layers x 2 significances = 6 histograms; 2 frequency heatmaps; 4 KL matrices
     * (within ID, within OOD, ID vs OOD, OOD vs ID); 2 datasets x 3 summary charts = 6; 6 ROC curves (one small chart
     * per detector); 1 training; 1 confusion matrix; 1 interaction heatmap and 1 interaction KL matrix; 2
     * node-accuracy histograms; 6 score distributions.
     */
    static final int FULL_CHARTS = 6 + 2 + 4 + 6 + 6 + 1 + 1 + 1 + 1 + 2 + 6;

    static ReportData full() {
        Random random = new Random(42);
        ReportData.Builder builder = ReportData.builder("fashion-cnn.onnx", ClassSource.LABEL)
                .parameter("model", "fashion-cnn.onnx")
                .parameter("model sha-256", "3f2a9c\u2026e01b")
                .parameter("ID dataset", "fashion-mnist t10k (10000)")
                .parameter("OOD dataset", "mnist-digits (10000)")
                .parameter("tau (S1)", 0)
                .parameter("eps (S2)", 1000)
                .parameter("alpha", 1e-6)
                .parameter("bins", 100)
                .layer(LayerInfo.of("conv1/Relu", "Relu", -1, 8, 12, 12))
                .layer(LayerInfo.of(HOSTILE_LAYER, "Relu", -1, FC1_NEURONS))
                .layer(LayerInfo.of("fc2/Relu", "Relu", -1, FC2_NEURONS))
                .layer(LayerInfo.of("logits", "Gemm", -1, 10));
        for (String layer : List.of("conv1/Relu", HOSTILE_LAYER, "fc2/Relu")) {
            for (Significance significance : Significance.values()) {
                builder.histogram(histogram(
                        random, layer, significance, 100, layer.equals("fc2/Relu") ? FC2_NEURONS : FC1_NEURONS));
            }
        }
        builder.frequencyMatrix(matrix(random, HOSTILE_LAYER, FC1_NEURONS));
        builder.frequencyMatrix(matrix(random, "fc2/Relu", FC2_NEURONS));
        builder.klMatrix(kl(random, "fashion-mnist", "fashion-mnist"));
        builder.klMatrix(kl(random, "mnist-digits", "mnist-digits"));
        builder.klMatrix(kl(random, "fashion-mnist", "mnist-digits"));
        builder.klMatrix(kl(random, "mnist-digits", "fashion-mnist"));
        for (String dataset : List.of("fashion-mnist", "mnist-digits")) {
            for (String layer : List.of("conv1/Relu", HOSTILE_LAYER, "fc2/Relu")) {
                for (String className : CLASSES) {
                    double active = 0.15 + 0.5 * random.nextDouble();
                    long distinct = 50L + random.nextInt(950);
                    double entropy = Math.log((double) distinct) - 0.5 * random.nextDouble();
                    builder.layerSummary(new LayerSummary(
                            layer,
                            dataset,
                            className,
                            1000,
                            active,
                            active * 0.9,
                            distinct,
                            entropy,
                            Math.exp(entropy)));
                }
            }
        }
        for (int d = 0; d < DETECTORS.size(); d++) {
            double separation = 0.6 + 0.35 * d;
            builder.rocCurve(roc(DETECTORS.get(d), separation));
            double auroc = 0.6 + 0.06 * d;
            builder.detectorMetrics(new DetectorMetrics(
                    DETECTORS.get(d),
                    d == 5 ? "fc2/Relu" : null,
                    "fashion-mnist",
                    "mnist-digits",
                    auroc,
                    auroc - 0.02,
                    auroc + 0.01,
                    auroc - 0.01,
                    auroc + 0.02,
                    0.9 - 0.1 * d,
                    0.85 - 0.1 * d,
                    0.4 - 0.05 * d,
                    10000,
                    10000));
        }
        builder.parameter("neuron_view.conv1/Relu", "FLATTENED")
                .parameter("neuron_view.fc2/Relu", "FLATTENED")
                .parameter("memory_estimate.patterns", "2 MiB");
        long[][] confusion = new long[CLASSES.size()][CLASSES.size()];
        for (int t = 0; t < CLASSES.size(); t++) {
            for (int p = 0; p < CLASSES.size(); p++) {
                confusion[t][p] = t == p ? 800 + random.nextInt(150) : random.nextInt(30);
            }
        }
        builder.confusion(new ConfusionTable("fashion-mnist", CLASSES, confusion));
        builder.nodeClassifier(nodes(random, HOSTILE_LAYER, FC1_NEURONS, 0.82));
        builder.nodeClassifier(nodes(random, "fc2/Relu", FC2_NEURONS, 0.86));
        List<String> interactions = new java.util.ArrayList<>();
        double[][] g = new double[CLASSES.size()][TOP_INTERACTIONS];
        double[] fractions = new double[CLASSES.size()];
        for (int k = 0; k < TOP_INTERACTIONS; k++) {
            interactions.add(k % 10 + " \u2190 " + (k * 7) % 32);
        }
        for (int c = 0; c < CLASSES.size(); c++) {
            fractions[c] = 0.1 + 0.05 * random.nextDouble();
            for (int k = 0; k < TOP_INTERACTIONS; k++) {
                g[c][k] = random.nextDouble();
            }
        }
        builder.interaction(
                new InteractionSummary("logits", "fashion-mnist", 10, 32, CLASSES, fractions, interactions, g));
        builder.interactionKl(new KlMatrix(
                "logits",
                "interaction",
                "fashion-mnist",
                "fashion-mnist",
                CLASSES,
                CLASSES,
                kl(random, "fashion-mnist", "fashion-mnist").kl()));
        for (int d = 0; d < DETECTORS.size(); d++) {
            double[] id = new double[2000];
            double[] ood = new double[1500];
            for (int i = 0; i < id.length; i++) {
                id[i] = random.nextGaussian();
            }
            for (int i = 0; i < ood.length; i++) {
                ood[i] = 0.4 * (d + 1) + random.nextGaussian();
            }
            builder.scoreDistribution(ScoreDistribution.of(
                    DETECTORS.get(d), "fashion-mnist", "mnist-digits", id, ood, 40, 0.6 + 0.06 * d, 0.9 - 0.1 * d));
        }
        builder.gallery(gallery(random, "most anomalous of OOD mnist-digits", true));
        builder.gallery(gallery(random, "least anomalous of OOD mnist-digits", true));
        builder.gallery(gallery(random, "most anomalous of ID text-set", false));
        for (int epoch = 1; epoch <= 12; epoch++) {
            double train = 1 - 0.5 * Math.exp(-epoch / 3.0);
            builder.trainingEpoch(new TrainingEpoch("baseline", epoch, train, train - 0.02 - 0.004 * epoch));
            builder.trainingEpoch(new TrainingEpoch("dropout 0.5", epoch, train - 0.05, train - 0.03));
        }
        return builder.build();
    }

    private static NodeClassifierSummary nodes(Random random, String layer, int nodes, double layerAccuracy) {
        double[] accuracy = new double[nodes];
        for (int j = 0; j < nodes; j++) {
            accuracy[j] = 0.1 + 0.3 * random.nextDouble() * random.nextDouble();
        }
        return new NodeClassifierSummary(layer, "fashion-mnist-train", "fashion-mnist", 10000, layerAccuracy, accuracy);
    }

    /** A gallery of 28 x 28 images (a bright square at a random place), or of token values. */
    private static SampleGallery gallery(Random random, String title, boolean images) {
        List<SampleGallery.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < GALLERY_SAMPLES; i++) {
            String image = null;
            String values = "[101, 2023, " + random.nextInt(30000) + ", 102, 0, 0]";
            if (images) {
                float[] pixels = new float[28 * 28];
                int x0 = random.nextInt(20);
                int y0 = random.nextInt(20);
                for (int y = y0; y < y0 + 8; y++) {
                    for (int x = x0; x < x0 + 8; x++) {
                        pixels[y * 28 + x] = 1;
                    }
                }
                image = PngImages.image(pixels, 1, 28, 28);
                values = "";
            }
            samples.add(new SampleGallery.Sample(
                    random.nextInt(10000), 5 - 0.3 * i, images ? null : CLASSES.get(i), CLASSES.get(i), image, values));
        }
        return new SampleGallery(title, "KNN", samples);
    }

    private static FrequencyHistogram histogram(
            Random random, String layer, Significance significance, int bins, int neurons) {
        int[][] counts = new int[CLASSES.size()][bins];
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int n = 0; n < neurons; n++) {
                double frequency = Math.pow(random.nextDouble(), significance == Significance.S1 ? 2 : 3);
                counts[c][Math.min(bins - 1, (int) (frequency * bins))]++;
            }
        }
        return new FrequencyHistogram(layer, significance, "fashion-mnist", CLASSES, counts);
    }

    private static FrequencyMatrix matrix(Random random, String layer, int neurons) {
        double[][] frequency = new double[CLASSES.size()][neurons];
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int n = 0; n < neurons; n++) {
                frequency[c][n] = (n + c) % 7 == 0 ? 0 : Math.pow(random.nextDouble(), 1.5);
            }
        }
        return new FrequencyMatrix(layer, Significance.S1, "fashion-mnist", CLASSES, frequency);
    }

    private static KlMatrix kl(Random random, String rows, String columns) {
        double[][] kl = new double[CLASSES.size()][CLASSES.size()];
        for (int r = 0; r < CLASSES.size(); r++) {
            for (int c = 0; c < CLASSES.size(); c++) {
                kl[r][c] = rows.equals(columns) && r == c ? 0 : 0.05 + 1.5 * random.nextDouble();
            }
        }
        return new KlMatrix("fc2/Relu", "S1 activation frequency", rows, columns, CLASSES, CLASSES, kl);
    }

    /** A binormal-like ROC: tpr = 1 - (1 - fpr)^(1 + 3 * separation), 400 thresholds. */
    private static RocCurve roc(String detector, double separation) {
        int points = 400;
        double[] fpr = new double[points + 1];
        double[] tpr = new double[points + 1];
        for (int i = 0; i <= points; i++) {
            fpr[i] = (double) i / points;
            tpr[i] = 1 - Math.pow(1 - fpr[i], 1 + 3 * separation);
        }
        return new RocCurve(
                detector,
                detector.equals("NAP Hamming") ? "fc2/Relu" : null,
                "fashion-mnist",
                "mnist-digits",
                fpr,
                tpr);
    }
}
