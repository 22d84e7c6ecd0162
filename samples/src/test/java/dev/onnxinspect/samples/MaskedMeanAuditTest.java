package dev.onnxinspect.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifierResult;
import dev.onnxinspect.trainers.arch.TextClassifier;
import dev.onnxinspect.trainers.experiments.TextClassifierSample;
import dev.onnxinspect.trainers.train.TokenData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit of the project's text classifier (int64 {@code input_ids} and {@code attention_mask}, embedding, one token
 * layer of 32 ReLU units, masked mean pooling in the graph, an MLP head) with the mask named: its sequence layers
 * {@code [T, d]} are audited through their masked means (SPEC preamble, {@link NeuronView#MASKED_MEAN}), the batches
 * padded to their own longest sequence (T changes from batch to batch), three ID sequences with an all-zero mask
 * left out and counted.
 * <p>Hand derivation of the check: the graph's {@code pooled} is the masked mean of {@code token1/relu}, computed in
 * float32 as {@code sum_t s_t m_t / max(sum_t m_t, 1)}; both it and the audit's float64 masked mean of the same
 * ReLU outputs s_t >= 0 are positive exactly when some s_t with mask 1 is positive (a sum of non-negative values is
 * positive iff one of them is; the mean of values >= 1e-38 does not round to 0). So S1 of the masked-mean view of
 * {@code token1/relu} equals S1 of the flattened {@code pooled}, count for count, on every sample with a token.
 */
class MaskedMeanAuditTest {
    private static final String TOKENS = "token1/relu";
    private static final int EMPTY = 3;

    @TempDir
    static Path dir;

    private static AuditResult result;

    @BeforeAll
    static void audit() throws IOException {
        TextClassifierSample.Result text = TextClassifierSample.trainAndExport(dir, 1);
        result = Audit.builder(text.model())
                .fit(new Tokens("train", text.train().subset(range(600)), 0))
                .id(new Tokens("test", text.test().subset(range(300)), EMPTY))
                .ood(new Tokens("ood", text.ood().subset(range(300)), 0))
                .mask(TextClassifier.ATTENTION_MASK)
                .session(SessionConfig.builder().intraOpThreads(1).build())
                .batchSize(32)
                .run();
    }

    private static int[] range(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }

    @Test
    void sequenceLayersAreSeenThroughTheirMaskedMeans() {
        assertThat(result.layers()).contains(TextClassifier.EMBEDDING, TOKENS, TextClassifier.POOLED);
        for (String layer : List.of(TextClassifier.EMBEDDING, TOKENS)) {
            assertThat(result.id().layers().get(layer).frequencies().view())
                    .as(layer)
                    .isEqualTo(NeuronView.MASKED_MEAN);
            assertThat(result.parameters()).containsKey("neuron_view." + layer);
        }
        assertThat(result.id().layers().get(TOKENS).frequencies().neurons()).isEqualTo(32);
        assertThat(result.id().layers().get(TextClassifier.POOLED).frequencies().view())
                .isEqualTo(NeuronView.FLATTENED);
        assertThat(result.parameters()).containsEntry("mask_input", TextClassifier.ATTENTION_MASK);
    }

    @Test
    void emptyMasksAreLeftOutAndCounted() {
        ActivationFrequencies masked = result.id().layers().get(TOKENS).frequencies();
        ActivationFrequencies pooled =
                result.id().layers().get(TextClassifier.POOLED).frequencies();
        assertThat(masked.emptyMaskSamples()).isEqualTo(EMPTY);
        assertThat(masked.samples()).isEqualTo(300);
        assertThat(pooled.samples()).isEqualTo(300 + EMPTY); // the graph's own pooling divides by max(0, 1)
        assertThat(result.parameters())
                .containsEntry("empty_mask_samples.test", Integer.toString(EMPTY))
                .containsEntry("empty_mask_samples.ood", "0")
                .containsEntry("empty_mask_samples.train", "0");
        assertThat(result.id().layers().get(TOKENS).patterns().orElseThrow().emptyMaskSamples())
                .isEqualTo(EMPTY);
    }

    @Test
    void s1OfTheMaskedMeanOfReluOutputsIsS1OfTheGraphsPooling() {
        for (DatasetResult d : List.of(result.fit().orElseThrow(), result.ood().get(0))) {
            ActivationFrequencies masked = d.layers().get(TOKENS).frequencies();
            ActivationFrequencies pooled = d.layers().get(TextClassifier.POOLED).frequencies();
            assertThat(masked.s1Table().classes()).as(d.name()).isNotEmpty();
            // not a trivial equality: some neurons are on in some samples and off in others
            long on = masked.s1Table().classes().stream()
                    .flatMapToInt(c -> Arrays.stream(c.counts()))
                    .asLongStream()
                    .sum();
            assertThat(on).as(d.name()).isBetween(1L, masked.samples() * masked.neurons() - 1);
            assertThat(masked.s1Table()).as(d.name()).usingRecursiveComparison().isEqualTo(pooled.s1Table());
        }
    }

    @Test
    void detectorsAndNodeClassifiersReadTheMaskedMeans() {
        // per-layer detectors on the 32 masked means: NAP Hamming distances are integers in [0, 32]
        double[] nap = result.id().scores().column("nap_hamming[" + TOKENS + "]");
        assertThat(nap).hasSize(300 + EMPTY);
        for (double s : nap) {
            assertThat((s == Math.rint(s) && s >= 0 && s <= 32) || s == Double.POSITIVE_INFINITY)
                    .as("%s", s)
                    .isTrue();
        }
        NodeClassifierResult nodes = result.nodeClassifiers().stream()
                .filter(n -> n.layer().equals(TOKENS))
                .findFirst()
                .orElseThrow();
        assertThat(nodes.nodeCorrect()).hasSize(32);
        assertThat(nodes.samples()).isEqualTo(300);
        assertThat(nodes.emptyMaskSamples()).isEqualTo(EMPTY);
        // the per-token dense layer reads [T, 16], not one vector: no SPEC §3 interactions, with the reason
        assertThat(result.parameters().get("interactions_skipped.token1/linear"))
                .contains("unit shape [-1, 16]");
        assertThat(result.id().interactions()).containsKey("dense1/linear");
    }

    /**
     * Token sequences as the model's two int64 inputs, each batch padded to its own longest sequence; the last
     * {@code empty} samples get an all-zero mask (their ids stay).
     */
    private static final class Tokens implements DataSource {
        private final String name;
        private final TokenData data;
        private final int empty;

        Tokens(String name, TokenData data, int empty) {
            this.name = name;
            this.data = data;
            this.empty = empty;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int[] sampleShape() {
            throw new UnsupportedOperationException("token sequences have no fixed sample shape");
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(
                    new InputSpec(TextClassifier.INPUT_IDS, ElementType.INT64, new long[] {-1}),
                    new InputSpec(TextClassifier.ATTENTION_MASK, ElementType.INT64, new long[] {-1}));
        }

        @Override
        public long size() {
            return data.size() + (long) empty;
        }

        @Override
        public boolean labelled() {
            return data.labelled();
        }

        @Override
        public Iterator<Batch> batches(int batchSize) {
            List<Batch> batches = new ArrayList<>();
            int total = (int) size();
            for (int first = 0; first < total; first += batchSize) {
                int n = Math.min(batchSize, total - first);
                int length = 1;
                for (int i = 0; i < n; i++) {
                    length = Math.max(length, data.length((first + i) % data.size()));
                }
                long[] ids = new long[n * length];
                long[] mask = new long[n * length];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    int sample = (first + i) % data.size();
                    data.copyPadded(sample, length, ids, mask, i * length);
                    if (first + i >= data.size()) {
                        Arrays.fill(mask, i * length, (i + 1) * length, 0L);
                    }
                    labels[i] = data.labelled() ? data.label(sample) : 0;
                }
                batches.add(new Batch(
                        n,
                        List.of(
                                InputTensor.longs(TextClassifier.INPUT_IDS, ids, n, length),
                                InputTensor.longs(TextClassifier.ATTENTION_MASK, mask, n, length)),
                        data.labelled() ? labels : null));
            }
            return batches.iterator();
        }
    }
}
