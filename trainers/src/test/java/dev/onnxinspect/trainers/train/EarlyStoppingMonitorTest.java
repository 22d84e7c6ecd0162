package dev.onnxinspect.trainers.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.trainers.TrainingException;
import org.junit.jupiter.api.Test;

class EarlyStoppingMonitorTest {

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // epochs 0..5: 1.0, 0.9, 0.8 (best), 0.85, 0.84, 0.83 -> 3 epochs without a new best -> stop at 5
        EarlyStoppingMonitor m = new EarlyStoppingMonitor(new EarlyStopping(3, 0.0, 0.1));
        double[] curve = {1.0, 0.9, 0.8, 0.85, 0.84, 0.83};
        for (int e = 0; e < 5; e++) {
            assertThat(m.update(e, curve[e])).as("epoch " + e).isFalse();
        }
        assertThat(m.update(5, curve[5])).isTrue();
        assertThat(m.bestEpoch()).isEqualTo(2);
        assertThat(m.bestLoss()).isEqualTo(0.8);
    }

    @Test
    void minDeltaDecidesWhatCountsAsImprovement() {
        // minDelta 0.1: 1.0 -> 0.95 is not an improvement (needs < 0.9); 0.85 is
        EarlyStoppingMonitor m = new EarlyStoppingMonitor(new EarlyStopping(2, 0.1, 0.1));
        assertThat(m.update(0, 1.0)).isFalse();
        assertThat(m.update(1, 0.95)).isFalse();
        assertThat(m.update(2, 0.85)).isFalse();
        assertThat(m.bestEpoch()).isEqualTo(2);
        assertThat(m.update(3, 0.8)).isFalse();
        assertThat(m.update(4, 0.76)).isTrue();
    }

    @Test
    void rejectsOutOfOrderEpochsNaNAndBadRules() {
        EarlyStoppingMonitor m = new EarlyStoppingMonitor(EarlyStopping.withPatience(1));
        assertThatThrownBy(() -> m.update(1, 0.5))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("expected the validation loss of epoch 0");
        assertThatThrownBy(() -> m.update(0, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new EarlyStopping(0, 0.0, 0.2)).hasMessageContaining("patience >= 1");
        assertThatThrownBy(() -> new EarlyStoppingMonitor(EarlyStopping.DISABLED))
                .hasMessageContaining("disabled");
    }
}
