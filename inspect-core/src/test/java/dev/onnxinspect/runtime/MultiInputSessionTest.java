package dev.onnxinspect.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.ElementType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Models of several inputs, non-float inputs and outputs, and free sequence lengths, on {@link TestModels#maskedSum()}:
 * prod = ids * mask (INT64 [N, T]), sum = row sums of prod (FLOAT [N]), logits = (-sum, sum) (FLOAT [N, 2]),
 * total = the sum of everything (FLOAT scalar).
 */
class MultiInputSessionTest {
    /*
     * ids [[3, 5, 7], [2, 4, 0]], mask [[1, 1, 0], [1, 0, 0]]:
     *   prod = [[3, 5, 0], [2, 0, 0]]; sum = [3 + 5, 2] = [8, 2]; logits = [[-8, 8], [-2, 2]]; total = 10.
     */
    private static final long[] IDS = {3, 5, 7, 2, 4, 0};
    private static final long[] MASK = {1, 1, 0, 1, 0, 0};

    private InferenceSession session;

    @BeforeEach
    void open() {
        session = InferenceSession.open(TestModels.maskedSum(), SessionConfig.defaults());
    }

    @AfterEach
    void close() {
        session.close();
    }

    private static Batch batch(InputTensor ids, InputTensor mask) {
        return new Batch(ids.batchSize(), List.of(ids, mask), null);
    }

    private static Batch idsAndMask(long[] ids, long[] mask, int samples, int length) {
        return batch(InputTensor.longs("ids", ids, samples, length), InputTensor.longs("mask", mask, samples, length));
    }

    @Test
    void describesEveryInputWithItsTypeAndSymbolicDimensions() {
        assertThat(session.inputs())
                .containsExactly(
                        new ModelInput("ids", ElementType.INT64, new long[] {-1, -1}, List.of("N", "T")),
                        new ModelInput("mask", ElementType.INT64, new long[] {-1, -1}, List.of("N", "T")));
        assertThat(session.inputs().get(0).format()).isEqualTo("ids INT64 [N, T]");
        assertThat(session.outputNames()).containsExactly("logits", "sum", "prod", "total");
        assertThat(session.outputType("prod")).isEqualTo(ElementType.INT64);
        assertThat(session.toString()).contains("ids INT64 [N, T], mask INT64 [N, T]");
    }

    @Test
    void twoInt64InputsOfAnyLengthGiveTheHandDerivedActivations() {
        Map<String, LayerActivations> out = session.run(idsAndMask(IDS, MASK, 2, 3), List.of("sum", "logits", "prod"));
        // a rank-1 output [N]: one unit per sample, unit shape []
        assertThat(out.get("sum").unitShape()).isEmpty();
        assertThat(out.get("sum").units()).isEqualTo(1);
        assertThat(out.get("sum").values()).containsExactly(8, 2);
        assertThat(out.get("logits").values()).containsExactly(-8, 8, -2, 2);
        // an int64 output read as float activations: small integers, exact
        assertThat(out.get("prod").unitShape()).containsExactly(3);
        assertThat(out.get("prod").values()).containsExactly(3, 5, 0, 2, 0, 0);
        // another sequence length in the next batch: ids [[1, 2]], mask [[1, 1]] -> sum 1 + 2 = 3
        assertThat(session.run(idsAndMask(new long[] {1, 2}, new long[] {1, 1}, 1, 2), List.of("sum"))
                        .get("sum")
                        .values())
                .containsExactly(3);
    }

    @Test
    void runTensorsGivesExactTypedCopiesOfAnyOutput() {
        Map<String, TypedTensor> out = session.runTensors(idsAndMask(IDS, MASK, 2, 3), List.of("prod", "total"));
        TypedTensor prod = out.get("prod");
        assertThat(prod.type()).isEqualTo(ElementType.INT64);
        assertThat(prod.shape()).containsExactly(2, 3);
        assertThat((long[]) prod.data()).containsExactly(3, 5, 0, 2, 0, 0);
        TypedTensor total = out.get("total");
        assertThat(total.shape()).isEmpty();
        assertThat((float[]) total.data()).containsExactly(10);
        // tensors of any rank, not a batch: here the same two tensors, fed by name
        TypedTensor ids = new TypedTensor("ids", ElementType.INT64, new long[] {2, 3}, IDS);
        TypedTensor mask = new TypedTensor("mask", ElementType.INT64, new long[] {2, 3}, MASK);
        assertThat((float[]) session.runTensors(List.of(mask, ids), List.of("sum"))
                        .get("sum")
                        .data())
                .containsExactly(8, 2);
    }

    @Test
    void smallerIntegerAndBoolInputsAreWidenedWithoutChangingAValue() {
        // int32 ids and a bool mask into the int64 inputs: the same sums [8, 2]
        Batch widened = batch(
                InputTensor.ints("ids", new int[] {3, 5, 7, 2, 4, 0}, 2, 3),
                new InputTensor("mask", ElementType.BOOL, new long[] {2, 3}, new byte[] {1, 1, 0, 1, 0, 0}));
        assertThat(session.run(widened, List.of("sum")).get("sum").values()).containsExactly(8, 2);
        // uint8 ids (200 > 127 stays 200) and int16 mask: sum = 200 + 5 = 205, 2
        Batch bytes = batch(
                new InputTensor("ids", ElementType.UINT8, new long[] {2, 3}, new byte[] {(byte) 200, 5, 7, 2, 4, 0}),
                new InputTensor("mask", ElementType.INT16, new long[] {2, 3}, new short[] {1, 1, 0, 1, 0, 0}));
        assertThat((long[])
                        session.runTensors(bytes, List.of("prod")).get("prod").data())
                .containsExactly(200, 5, 0, 2, 0, 0);
    }

    @Test
    void lossyConversionsAreRefusedNamingTheInputBothTypesAndTheFix() {
        Batch floatIds = batch(
                InputTensor.floats("ids", new float[] {3, 5, 7, 2, 4, 0}, 2, 3), InputTensor.longs("mask", MASK, 2, 3));
        assertThatThrownBy(() -> session.run(floatIds, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("model input ids INT64 [N, T] cannot take the FLOAT values the batch gives: converting"
                        + " FLOAT to INT64 would change values; give INT64 values (convert the data) or add a Cast to"
                        + " the model");
        try (InferenceSession dense = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            Batch doubles = new Batch(1, List.of(InputTensor.doubles(null, new double[] {1, 2}, 1, 2)), null);
            assertThatThrownBy(() -> dense.run(doubles, List.of("y")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessageContaining("model input x FLOAT [N, 2]")
                    .hasMessageContaining("converting DOUBLE to FLOAT would change values")
                    .hasMessageContaining("give FLOAT values");
        }
    }

    @Test
    void anUnfedInputAnExtraTensorAndAWrongRankEachSayWhatToDo() {
        Batch idsOnly = new Batch(2, List.of(InputTensor.longs("ids", IDS, 2, 3)), null);
        assertThatThrownBy(() -> session.run(idsOnly, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("model input mask INT64 [N, T] is not fed: the batch has [ids]; give every model input a"
                        + " tensor of its name");
        Batch extra = new Batch(
                2,
                List.of(
                        InputTensor.longs("ids", IDS, 2, 3),
                        InputTensor.longs("mask", MASK, 2, 3),
                        InputTensor.longs("positions", new long[] {0, 1, 2, 0, 1, 2}, 2, 3)),
                null);
        assertThatThrownBy(() -> session.run(extra, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("the batch feeds input positions, which the model does not have; its inputs are"
                        + " [ids INT64 [N, T], mask INT64 [N, T]]; name each tensor after the model input it feeds");
        Batch flat = batch(InputTensor.longs("ids", IDS, 6), InputTensor.longs("mask", MASK, 6));
        assertThatThrownBy(() -> session.run(flat, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessage("model input ids INT64 [N, T] has rank 2 but the batch gives samples of shape [] (rank 1"
                        + " with the batch dimension); give each sample the shape [T]");
        Batch unnamed = new Batch(2, List.of(InputTensor.longs(null, IDS, 2, 3)), null);
        assertThatThrownBy(() -> session.run(unnamed, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("unnamed tensor")
                .hasMessageContaining("2 inputs");
        // the lengths of ids and mask differ: ONNX Runtime's own message, with what was fed
        Batch ragged = batch(InputTensor.longs("ids", IDS, 2, 3), InputTensor.longs("mask", new long[4], 2, 2));
        assertThatThrownBy(() -> session.run(ragged, List.of("sum")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("ONNX Runtime failed")
                .hasMessageContaining("ids INT64 [2, 3]")
                .hasMessageContaining("mask INT64 [2, 2]");
    }

    @Test
    void aFixedDimensionThatDiffersNamesTheInputAndBothShapes() {
        try (InferenceSession dense = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            assertThatThrownBy(() -> dense.runTensors(
                            List.of(new TypedTensor("x", ElementType.FLOAT, new long[] {1, 3}, new float[3])),
                            List.of("y")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("model input x FLOAT [N, 2] does not fit a tensor of shape [1, 3]: dimension 1 is 2 in"
                            + " the model; give it a tensor of shape [N, 2]");
            assertThatThrownBy(() -> dense.run(new Batch(new float[6], 2, new int[] {3}, null), List.of("y")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("model input x FLOAT [N, 2] does not fit samples of shape [3] (received batch shape"
                            + " [2, 3]): dimension 1 is 2 in the model; give samples of shape [2] (reshape the data)");
        }
    }

    @Test
    void aScalarOutputCannotBeActivationsButReadsAsATensor() {
        assertThatThrownBy(() -> session.run(idsAndMask(IDS, MASK, 2, 3), List.of("total")))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("output total is a scalar (rank 0)")
                .hasMessageContaining("runTensors");
    }

    @Test
    void checkInputsComparesADataSourcesInputsBeforeAnyRun() {
        long[] variable = {-1};
        session.checkInputs(List.of(
                new InputSpec("mask", ElementType.INT64, variable), new InputSpec("ids", ElementType.INT64, variable)));
        session.checkInputs(List.of(
                new InputSpec("ids", ElementType.INT32, variable),
                new InputSpec("mask", ElementType.BOOL, new long[] {16})));
        assertThatThrownBy(() -> session.checkInputs(List.of(new InputSpec("ids", ElementType.INT64, variable))))
                .isInstanceOf(InferenceException.class)
                .hasMessage("model input mask INT64 [N, T] is not fed: the data has [ids]; give every model input a"
                        + " tensor of its name");
        assertThatThrownBy(() -> session.checkInputs(List.of(
                        new InputSpec("ids", ElementType.DOUBLE, variable),
                        new InputSpec("mask", ElementType.INT64, variable))))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("ids INT64 [N, T] cannot take the DOUBLE values the data gives");
        assertThatThrownBy(() -> session.checkInputs(List.of(
                        new InputSpec("ids", ElementType.INT64, new long[] {4, 2}),
                        new InputSpec("mask", ElementType.INT64, variable))))
                .isInstanceOf(InferenceException.class)
                .hasMessage("model input ids INT64 [N, T] has rank 2 but the data gives samples of shape [4, 2] (rank 3"
                        + " with the batch dimension); give each sample the shape [T]");
        try (InferenceSession dense = InferenceSession.open(TestModels.dense(), SessionConfig.defaults())) {
            assertThatThrownBy(() -> dense.checkInputs(List.of(new InputSpec(null, ElementType.FLOAT, new long[] {3}))))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("model input x FLOAT [N, 2] does not fit samples of shape [3] (received batch shape"
                            + " [n, 3]): dimension 1 is 2 in the model; give samples of shape [2] (reshape the data)");
        }
    }

    @Test
    void buffersMadeInAdvanceServeFixedFloatOutputsOfAMultiInputModel() {
        assertThat(session.outputBuffers(List.of("prod"), 4)).isEmpty(); // int64 and a free length
        OutputBuffers buffers =
                session.outputBuffers(List.of("logits", "sum"), 4).orElseThrow();
        Map<String, LayerActivations> out = session.run(idsAndMask(IDS, MASK, 2, 3), buffers);
        assertThat(out.get("logits").values()).containsExactly(-8, 8, -2, 2);
        assertThat(out.get("sum").values()).containsExactly(8, 2);
        assertThat(buffers.release()).isTrue();
    }

    @Test
    void openRefusesInputsItCannotFeedNamingTheFeature() {
        assertThatThrownBy(() -> InferenceSession.open(TestModels.sequenceInput(), SessionConfig.defaults()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("input seq is a sequence")
                .hasMessageContaining("sequence inputs are not supported");
        assertThatThrownBy(() -> InferenceSession.open(
                        TestModels.identityOf(TensorProto.DataType.STRING.getNumber()), SessionConfig.defaults()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("input x is a STRING tensor")
                .hasMessageContaining("string tensors are not supported");
        assertThatThrownBy(() -> InferenceSession.open(
                        TestModels.identityOf(TensorProto.DataType.UINT32.getNumber()), SessionConfig.defaults()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("input x is a UINT32 tensor")
                .hasMessageContaining("UINT32 is not supported");
        assertThatThrownBy(() -> InferenceSession.open(TestModels.optionalInput(), SessionConfig.defaults()))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("optional inputs and outputs are not supported");
    }

    @Test
    void everyFeedableTypeOpensAndRunsUnchanged() {
        // Identity over each type: the output equals the input, element for element
        Map<ElementType, Object> values = Map.of(
                ElementType.FLOAT,
                new float[] {1.5f, -2},
                ElementType.DOUBLE,
                new double[] {0.1, -3},
                ElementType.FLOAT16,
                new short[] {0x3c00, (short) 0xc000},
                ElementType.INT8,
                new byte[] {-128, 127},
                ElementType.UINT8,
                new byte[] {(byte) 255, 0},
                ElementType.BOOL,
                new byte[] {1, 0},
                ElementType.INT16,
                new short[] {-32768, 7},
                ElementType.INT32,
                new int[] {Integer.MIN_VALUE, 9},
                ElementType.INT64,
                new long[] {Long.MAX_VALUE, -1});
        for (Map.Entry<ElementType, Object> e : values.entrySet()) {
            try (InferenceSession identity =
                    InferenceSession.open(TestModels.identityOf(e.getKey().code()), SessionConfig.defaults())) {
                Batch batch =
                        new Batch(1, List.of(new InputTensor(null, e.getKey(), new long[] {1, 2}, e.getValue())), null);
                TypedTensor y = identity.runTensors(batch, List.of("y")).get("y");
                assertThat(y.type()).as("%s", e.getKey()).isEqualTo(e.getKey());
                assertThat(y.data()).as("%s", e.getKey()).isEqualTo(e.getValue());
            }
        }
    }
}
