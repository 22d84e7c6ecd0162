package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Dense-layer extraction on models exported by PyTorch, checked against the test data's expected outputs. */
class RealModelTest {

    /**
     * The dense layer read from the model must reproduce the model's expected output: z = W x + b computed here in
     * double precision from the extracted W and b and the test input equals output_0.pb within float rounding.
     */
    @Test
    void extractedDenseLayerReproducesTheExportedModelsOutput() throws IOException {
        for (String test : new String[] {"pytorch-converted/test_Linear", "pytorch-converted/test_Linear_no_bias"}) {
            Path dir = BackendModels.dir(test);
            OnnxModel model = OnnxModel.load(dir.resolve("model.onnx"));
            DenseLayer dense = model.lastDenseLayer();
            WeightTensor x = TensorDecoder.decode(
                    TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb"))), "input");
            WeightTensor z = TensorDecoder.decode(
                    TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb"))), "output");
            int n = dense.inFeatures();
            int k = dense.outFeatures();
            int rows = x.size() / n;
            assertThat(z.size()).isEqualTo(rows * k);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < k; i++) {
                    double sum = dense.bias()[i];
                    for (int j = 0; j < n; j++) {
                        sum += (double) dense.weight(i, j) * x.value(r * n + j);
                    }
                    assertThat(z.value(r * k + i))
                            .as(test + " row " + r + " output " + i)
                            .isCloseTo((float) sum, within(1e-5f * (1 + (float) Math.abs(sum))));
                }
            }
            assertThat(dense.inputName()).isEqualTo(model.penultimateFeatures());
            assertThat(model.describe().inputs()).extracting(ValueInfo::name).contains(dense.inputName());
        }
    }
}
