package dev.onnxinspect.trainers.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextClassifierTest {

    private static List<String> names(List<LayerSpec> layers) {
        return layers.stream().map(LayerSpec::name).toList();
    }

    @Test
    void layersHaveStableNamesAndShapes() {
        TextClassifier net = TextClassifier.relu(50, 16, new int[] {32, 24}, new int[] {20}, 3);
        assertThat(names(net.tokenLayers()))
                .containsExactly("token1/linear", "token1/relu", "token2/linear", "token2/relu");
        assertThat(Shapes.outputShape(net.tokenLayers(), new int[] {16})).containsExactly(24);
        assertThat(net.featureDim()).isEqualTo(24);
        assertThat(names(net.headLayers())).containsExactly("dense1/linear", "dense1/relu", "logits");
        assertThat(Shapes.outputShape(net.headLayers(), new int[] {24})).containsExactly(3);
        assertThat(net.sequenceLayers())
                .containsExactly("embedding", "token1/linear", "token1/relu", "token2/linear", "token2/relu");
        assertThat(net.kind()).isEqualTo("text");
        assertThat(net.describe())
                .containsEntry("vocab_size", "50")
                .containsEntry("embedding_dim", "16")
                .containsEntry("token_widths", "[32, 24]")
                .containsEntry("hidden_widths", "[20]")
                .containsEntry("pooling", "masked_mean")
                .containsEntry("num_classes", "3");
    }

    @Test
    void withoutTokenLayersThePooledFeaturesAreTheEmbeddingMean() {
        TextClassifier net = new TextClassifier(10, 4, new int[0], new int[0], Activation.GELU, 2);
        assertThat(net.tokenLayers()).isEmpty();
        assertThat(net.featureDim()).isEqualTo(4);
        assertThat(names(net.headLayers())).containsExactly("logits");
        assertThat(((LayerSpec.Dense) net.headLayers().get(0)).inFeatures()).isEqualTo(4);
        assertThat(net.sequenceLayers()).containsExactly("embedding");
    }

    @Test
    void arraysAreCopiedAndCompareByValue() {
        int[] widths = {8};
        TextClassifier net = TextClassifier.relu(5, 2, widths, widths, 2);
        widths[0] = 9;
        net.tokenWidths()[0] = 9;
        assertThat(net.tokenWidths()).containsExactly(8);
        assertThat(net.hiddenWidths()).containsExactly(8);
        assertThat(net)
                .isEqualTo(TextClassifier.relu(5, 2, new int[] {8}, new int[] {8}, 2))
                .hasSameHashCodeAs(TextClassifier.relu(5, 2, new int[] {8}, new int[] {8}, 2))
                .isNotEqualTo(TextClassifier.relu(5, 2, new int[] {8}, new int[] {7}, 2));
        assertThat(net.toString()).startsWith("TextClassifier{architecture=text");
    }

    @Test
    void rejectsImpossibleNetworks() {
        assertThatThrownBy(() -> TextClassifier.relu(0, 2, new int[0], new int[0], 2))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("vocabulary size");
        assertThatThrownBy(() -> TextClassifier.relu(5, 2, new int[] {0}, new int[0], 2))
                .hasMessageContaining("token layer widths must be positive");
        assertThatThrownBy(() -> TextClassifier.relu(5, 2, new int[0], new int[] {-1}, 2))
                .hasMessageContaining("hidden widths must be positive");
        assertThatThrownBy(() -> TextClassifier.relu(5, 2, new int[0], new int[0], 1))
                .hasMessageContaining("at least 2 classes");
    }
}
