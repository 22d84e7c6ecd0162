package dev.onnxinspect.samples.studies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.InMemoryDataset;
import org.junit.jupiter.api.Test;

class ImageShiftsTest {
    /** One 3 x 3 image with a single 1 at row 0, column 2 (top right), label 7. */
    private static InMemoryDataset topRight() {
        float[] image = new float[9];
        image[2] = 1;
        return InMemoryDataset.of("one", image, new int[] {7}, 9);
    }

    @Test
    void aQuarterTurnCounterClockwiseMovesTheTopRightPixelToTheTopLeft() {
        InMemoryDataset r = ImageShifts.rotated(topRight(), 90);
        // (r, c) = (0, 2) -> (0, 0) under a counter-clockwise quarter turn about the centre (1, 1)
        float[] out = r.sample(0);
        assertThat(out[0]).isCloseTo(1f, within(1e-6f));
        for (int i = 1; i < 9; i++) {
            assertThat(out[i]).as("pixel %d", i).isCloseTo(0f, within(1e-6f));
        }
        assertThat(r.labels()).containsExactly(7);
        assertThat(r.name()).isEqualTo("one-rotated90");
    }

    @Test
    void anEighthTurnInterpolatesBilinearly() {
        // 45 degrees: the top-right pixel (x = 1, y = 1 from the centre) lands on x = 0, y = sqrt 2 (above the
        // image), so no output pixel reads it fully; the centre pixel reads the centre (0) exactly.
        InMemoryDataset r = ImageShifts.rotated(topRight(), 45);
        assertThat(r.sample(0)[4]).isEqualTo(0f);
        // output (0, 1) = centre + (0, 1 up): source x = cos45 * 0 + sin45 * 1 = 0.7071, y = cos45 = 0.7071:
        // column 1.7071, row 0.2929; bilinear weight of (0, 2) = (1 - 0.2929) * 0.7071 = 0.5
        assertThat(r.sample(0)[1]).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void blurKeepsAConstantInteriorAndSpreadsAPoint() {
        float[] image = new float[49];
        image[24] = 1; // centre of 7 x 7
        InMemoryDataset b = ImageShifts.blurred(InMemoryDataset.of("p", image, null, 49), 0.5);
        float[] out = b.sample(0);
        // radius ceil(1.5) = 2; 1-D weights proportional to exp(-k^2 / 0.5): w0 = 1 / (1 + 2e^-2 + 2e^-8)
        double w0 = 1 / (1 + 2 * Math.exp(-2) + 2 * Math.exp(-8));
        double w1 = Math.exp(-2) * w0;
        assertThat((double) out[24]).isCloseTo(w0 * w0, within(1e-6));
        assertThat((double) out[25]).isCloseTo(w0 * w1, within(1e-6));
        double sum = 0;
        for (float v : out) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
        assertThat(b.labelled()).isFalse();
    }

    @Test
    void refusesNonSquareImagesAndBadSigma() {
        InMemoryDataset wide = InMemoryDataset.of("wide", new float[6], null, 6);
        assertThatThrownBy(() -> ImageShifts.rotated(wide, 10))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("square greyscale images");
        assertThatThrownBy(() -> ImageShifts.blurred(topRight(), 0))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessageContaining("sigma");
    }
}
