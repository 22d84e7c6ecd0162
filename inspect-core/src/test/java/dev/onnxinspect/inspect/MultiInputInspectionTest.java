package dev.onnxinspect.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.runtime.TestModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An inspection of a two-input model ({@link TestModels#maskedSum()}: sum = the row sums of ids * mask, logits =
 * (-sum, sum)) over token sequences of varying length, padded per batch.
 */
class MultiInputInspectionTest {
    /*
     * Five sequences; the batches pad them to the longest of the batch with id 0 and mask 0. sum = the sum of the
     * real tokens: [3 + 5, 2, 1 + 2 + 4, 4, 6] = [8, 2, 7, 4, 6]; every sum > 0, so the predicted class (argmax of
     * (-sum, sum)) is 1 for all.
     */
    private static final long[][] SEQUENCES = {{3, 5}, {2}, {1, 2, 4}, {4}, {6}};
    private static final float[] SUMS = {8, 2, 7, 4, 6};

    private InferenceSession session;

    @BeforeEach
    void open() {
        session = InferenceSession.open(TestModels.maskedSum(), SessionConfig.defaults());
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** Token ids and their mask, padded per batch; sampleShape() is never asked for (it has no fixed shape). */
    private static final class Tokens implements DataSource {
        private final List<InputSpec> inputs;

        Tokens(List<InputSpec> inputs) {
            this.inputs = inputs;
        }

        Tokens() {
            this(List.of(
                    new InputSpec("ids", ElementType.INT64, new long[] {-1}),
                    new InputSpec("mask", ElementType.INT64, new long[] {-1})));
        }

        @Override
        public String name() {
            return "tokens";
        }

        @Override
        public int[] sampleShape() {
            throw new UnsupportedOperationException("a token source has no fixed sample shape");
        }

        @Override
        public List<InputSpec> inputs() {
            return inputs;
        }

        @Override
        public long size() {
            return SEQUENCES.length;
        }

        @Override
        public boolean labelled() {
            return false;
        }

        @Override
        public Iterator<Batch> batches(int batchSize) {
            List<Batch> batches = new ArrayList<>();
            for (int first = 0; first < SEQUENCES.length; first += batchSize) {
                int n = Math.min(batchSize, SEQUENCES.length - first);
                int length = 0;
                for (int i = first; i < first + n; i++) {
                    length = Math.max(length, SEQUENCES[i].length);
                }
                long[] ids = new long[n * length];
                long[] mask = new long[n * length];
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < SEQUENCES[first + i].length; t++) {
                        ids[i * length + t] = SEQUENCES[first + i][t];
                        mask[i * length + t] = 1;
                    }
                }
                batches.add(new Batch(
                        n,
                        List.of(InputTensor.longs("ids", ids, n, length), InputTensor.longs("mask", mask, n, length)),
                        null));
            }
            return batches.iterator();
        }
    }

    @Test
    void batchesOfVaryingSequenceLengthReachTheHooksWithTheirInputs() {
        List<Float> sums = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        List<Long> maskedTokens = new ArrayList<>();
        InspectionSummary summary = Inspection.builder(session, new Tokens())
                .layers(List.of("sum"))
                .batchSize(2)
                .build()
                .run(view -> {
                    InputTensor mask = view.input("mask");
                    lengths.add(mask.shape()[1]);
                    long ones = 0;
                    for (long m : (long[]) mask.data()) {
                        ones += m;
                    }
                    maskedTokens.add(ones);
                    assertThat(view.batch().input("ids").shape()).isEqualTo(mask.shape());
                    for (int i = 0; i < view.size(); i++) {
                        sums.add(view.layer("sum").value(i, 0));
                    }
                });
        assertThat(sums).containsExactly(8f, 2f, 7f, 4f, 6f);
        // batches {0, 1}, {2, 3}, {4}: padded lengths 2, 3, 1; real tokens 2 + 1, 3 + 1, 1
        assertThat(lengths).containsExactly(2L, 3L, 1L);
        assertThat(maskedTokens).containsExactly(3L, 4L, 1L);
        assertThat(summary.samples()).isEqualTo(5);
        assertThat(summary.classSource()).isEqualTo(ClassSource.PREDICTED);
        assertThat(summary.classCounts()).containsExactly(0, 5);
    }

    @Test
    void anInt64LayerOfFreeLengthIsCopiedAsFloats() {
        List<float[]> rows = new ArrayList<>();
        Inspection.builder(session, new Tokens())
                .layers(List.of("prod"))
                .batchSize(5)
                .build()
                .run(view -> {
                    assertThat(view.layer("prod").unitShape()).containsExactly(3); // one batch: padded to 3
                    for (int i = 0; i < view.size(); i++) {
                        float[] row = new float[3];
                        view.layer("prod").readRow(i, row);
                        rows.add(row);
                    }
                });
        // prod = ids * mask: the sequences, padded with 0
        assertThat(rows)
                .containsExactly(
                        new float[] {3, 5, 0},
                        new float[] {2, 0, 0},
                        new float[] {1, 2, 4},
                        new float[] {4, 0, 0},
                        new float[] {6, 0, 0});
        for (int i = 0; i < SUMS.length; i++) {
            float sum = 0;
            for (float v : rows.get(i)) {
                sum += v;
            }
            assertThat(sum).isEqualTo(SUMS[i]);
        }
    }

    @Test
    void aSourceThatDoesNotFitTheModelFailsBeforeTheFirstBatch() {
        Tokens idsOnly = new Tokens(List.of(new InputSpec("ids", ElementType.INT64, new long[] {-1})));
        assertThatThrownBy(() -> Inspection.builder(session, idsOnly).build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("model input mask INT64 [N, T] is not fed: the data has [ids]");
        Tokens floats = new Tokens(List.of(
                new InputSpec("ids", ElementType.FLOAT, new long[] {-1}),
                new InputSpec("mask", ElementType.INT64, new long[] {-1})));
        assertThatThrownBy(() -> Inspection.builder(session, floats).build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("ids INT64 [N, T] cannot take the FLOAT values the data gives");
    }
}
