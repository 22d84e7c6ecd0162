package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NeuronViewTest {
    // Unit shape [2, 2, 2]: channel 0 = [1, 2, 3, 6], channel 1 = [-1, -2, 0.5, 0.5].
    private static final int[] SHAPE = {2, 2, 2};
    private static final float[] SAMPLE = {1f, 2f, 3f, 6f, -1f, -2f, 0.5f, 0.5f};

    @Test
    void flattenedKeepsEveryUnit() {
        assertThat(NeuronView.FLATTENED.neurons(SHAPE)).isEqualTo(8);
        float[] out = new float[8];
        NeuronView.FLATTENED.reduce(SAMPLE, 0, SHAPE, out);
        assertThat(out).containsExactly(SAMPLE);
    }

    @Test
    void channelMeanAveragesEachChannel() {
        // channel 0: (1 + 2 + 3 + 6) / 4 = 3; channel 1: (-1 - 2 + 0.5 + 0.5) / 4 = -0.5.
        assertThat(NeuronView.CHANNEL_MEAN.neurons(SHAPE)).isEqualTo(2);
        float[] out = new float[2];
        NeuronView.CHANNEL_MEAN.reduce(SAMPLE, 0, SHAPE, out);
        assertThat(out).containsExactly(3f, -0.5f);
    }

    @Test
    void channelMeanSumsInDoubleThenRounds() {
        // 2^24 + 1 is not a float: a float sum 2^24 + 1 + 1 would stay 2^24 (each +1 rounds away), the double
        // sum is 2^24 + 2 exactly, and the mean (2^24 + 2) / 4 = 4194304.5 rounds to the float 4194304.5.
        float big = 16777216f;
        float[] out = new float[1];
        NeuronView.CHANNEL_MEAN.reduce(new float[] {big, 1f, 1f, 0f}, 0, new int[] {1, 4}, out);
        assertThat(out[0]).isEqualTo(4194304.5f);
    }

    @Test
    void channelMaxTakesTheLargest() {
        float[] out = new float[2];
        NeuronView.CHANNEL_MAX.reduce(SAMPLE, 0, SHAPE, out);
        assertThat(out).containsExactly(6f, 0.5f);
        // offset: the second sample of a batch
        float[] two = new float[16];
        System.arraycopy(SAMPLE, 0, two, 8, 8);
        NeuronView.CHANNEL_MAX.reduce(two, 8, SHAPE, out);
        assertThat(out).containsExactly(6f, 0.5f);
    }

    @Test
    void channelViewsNeedAChannelAxis() {
        assertThatThrownBy(() -> NeuronView.CHANNEL_MEAN.neurons(new int[] {128}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("[128]")
                .hasMessageContaining("use NeuronView.FLATTENED");
        assertThatThrownBy(() -> NeuronView.FLATTENED.neurons(new int[] {3, 0}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("positive");
    }
}
