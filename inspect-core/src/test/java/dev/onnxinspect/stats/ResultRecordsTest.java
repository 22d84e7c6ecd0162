package dev.onnxinspect.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The result and option records copy what they hold and validate what they get. */
class ResultRecordsTest {

    @Test
    void classCountsCopiesInAndOut() {
        int[] counts = {1, 2, 0};
        ClassCounts row = new ClassCounts(4, 2, counts);
        counts[0] = 2;
        row.counts()[1] = 0;
        assertThat(row.counts()).containsExactly(1, 2, 0);
        assertThat(row.count(1)).isEqualTo(2);
        assertThat(row.units()).isEqualTo(3);
        assertThatThrownBy(() -> new ClassCounts(4, 2, new int[] {3}))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("count 3 of unit 0 is outside [0, N_c = 2]");
        assertThatThrownBy(() -> new ClassCounts(4, 0, new int[0]))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("a class without samples has no row");
    }

    @Test
    void frequencyTableRowsAreOrderedAndOfOneWidth() {
        ClassCounts a = new ClassCounts(1, 1, new int[] {1, 0});
        ClassCounts b = new ClassCounts(0, 1, new int[] {0, 1});
        assertThatThrownBy(() -> new FrequencyTable("S1", 2, 10, List.of(a, b)))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("ascending class id");
        assertThatThrownBy(() -> new FrequencyTable("S1", 3, 10, List.of(a)))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("expected 3");
        assertThat(new FrequencyTable("S1", 2, 10, List.of(b, a)).classIds()).containsExactly(0, 1);
    }

    @Test
    void memoryEstimateInMebibytes() {
        assertThat(new MemoryEstimate(3L << 20, "x").mebibytes()).isEqualTo(3.0);
        assertThatThrownBy(() -> new MemoryEstimate(-1, "x"))
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void profilesAndMatricesCopyDeeply() {
        double[][] rows = {{0.25, 0.75}};
        ClassProfiles p = new ClassProfiles("S1", new int[] {0}, 0.0, rows);
        rows[0][0] = 1;
        p.probabilities()[0][1] = 0;
        assertThat(p.profile(0)).containsExactly(0.25, 0.75);
        assertThat(p.units()).isEqualTo(2);
        assertThat(p.isEmpty()).isFalse();
        double[][] values = {{0.5}};
        KlMatrix m = new KlMatrix("a", "b", new int[] {0}, new int[] {0}, values);
        values[0][0] = 9;
        m.values()[0][0] = 9;
        assertThat(m.get(0, 0)).isEqualTo(0.5);
    }

    @Test
    void optionsValidate() {
        assertThatThrownBy(() -> StatsOptions.builder(0, ClassBasis.LABEL).build())
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("numClasses must be at least 1");
        assertThatThrownBy(
                        () -> StatsOptions.builder(2, ClassBasis.LABEL).bins(0).build())
                .isInstanceOf(StatsException.class)
                .hasMessageContaining("at least 1 bin");
        StatsOptions defaults = StatsOptions.builder(2, ClassBasis.LABEL).build();
        assertThat(defaults.s1()).isEqualTo(Significance.s1(0));
        assertThat(defaults.s2()).isEqualTo(Significance.s2(1000));
        assertThat(defaults.bins()).isEqualTo(100);
        assertThat(defaults.view()).isEqualTo(NeuronView.FLATTENED);
        assertThat(defaults.patterns()).isTrue();
        InteractionOptions interactions =
                InteractionOptions.builder(3, ClassBasis.LABEL).build();
        assertThat(interactions.trackedClasses()).containsExactly(0, 1, 2);
        assertThat(interactions.memoryLimitBytes()).isEqualTo(512L << 20);
        assertThat(interactions.share()).isEqualTo(InteractionShare.ABSOLUTE);
        assertThat(InteractionShare.SIGNED.label()).isEqualTo("interaction-signed");
    }
}
