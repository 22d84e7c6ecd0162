package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DetectorInputTest {
    @Test
    void nanLogitNamesTheSample() {
        assertThatThrownBy(() -> Inputs.logits(row(0, 1), row(Double.NaN, 1)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("logit 0 of sample 1 is NaN");
        assertThatThrownBy(() -> Inputs.features(row(0, Double.POSITIVE_INFINITY)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("feature 1 of sample 0 is Infinity");
        assertThatThrownBy(() -> DetectorInput.builder(1).layer(Inputs.layer("l", row(Float.NaN))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("sample 0 in layer l is NaN");
    }

    @Test
    void shapesAndLabelsAreChecked() {
        assertThatThrownBy(() -> DetectorInput.builder(2).logits(new float[3], 2))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("expected 2 x 2 = 4 logits, got 3");
        assertThatThrownBy(() -> DetectorInput.builder(1)
                        .logits(new float[][] {row(0, 1)})
                        .labels(new int[] {2})
                        .build())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("labels must lie in [0, 2)");
        assertThatThrownBy(() -> DetectorInput.builder(0)).isInstanceOf(OodException.class);
        assertThatThrownBy(() -> DetectorInput.builder(2).layer(Inputs.layer("l", row(1))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("holds 1 samples, the input has 2");
    }

    @Test
    void accessorsReadTheRowMajorArrays() {
        DetectorInput in = DetectorInput.builder(2)
                .logits(new float[][] {row(1, 1, 0), row(0, 2, 2)})
                .features(new float[][] {row(5), row(6)})
                .labels(new int[] {0, 2})
                .layer(Inputs.layer("relu", row(1, 0), row(0, 1)))
                .build();
        assertThat(in.samples()).isEqualTo(2);
        assertThat(in.classes()).isEqualTo(3);
        assertThat(in.featureDim()).isEqualTo(1);
        assertThat(in.logit(1, 2)).isEqualTo(2f);
        assertThat(in.feature(1, 0)).isEqualTo(6f);
        assertThat(in.label(1)).isEqualTo(2);
        // ties go to the lowest index
        assertThat(in.predictedClass(0)).isEqualTo(0);
        assertThat(in.predictedClass(1)).isEqualTo(1);
        assertThat(in.layerNames()).containsExactly("relu");
        assertThat(in.hasLayer("relu")).isTrue();
        assertThat(in.hasLogits() && in.hasFeatures() && in.hasLabels()).isTrue();
        assertThatThrownBy(() -> in.layer("other"))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no activations of layer 'other'");
        assertThat(in.predictedClasses()).containsExactly(0, 1);
        int[] labels = in.labels();
        labels[0] = 9; // a copy: the input keeps its labels
        assertThat(in.label(0)).isZero();
    }

    @Test
    void featuresCanComeFromLayerActivations() {
        // a [2][1][2] conv-like activation is flattened per sample: sample 1 -> (3, 4).
        var act = new dev.onnxinspect.runtime.LayerActivations("pool", row(1, 2, 3, 4), 2, new int[] {1, 2});
        DetectorInput in = DetectorInput.builder(2).features(act).build();
        assertThat(in.featureDim()).isEqualTo(2);
        assertThat(in.feature(1, 0)).isEqualTo(3f);
        assertThat(in.feature(1, 1)).isEqualTo(4f);
        assertThatThrownBy(() -> DetectorInput.builder(2).build().classes())
                .isInstanceOf(OodException.class)
                .hasMessageContaining("needs LOGITS");
    }
}
