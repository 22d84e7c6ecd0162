package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Property: for every fitted detector, merging accumulators of two halves equals one pass over both. */
class MergeTest {
    private final SyntheticModel model = new SyntheticModel(21);
    private final List<DetectorInput> first = model.batches(31, 2, 40, 0);
    private final List<DetectorInput> second = model.batches(32, 2, 40, 0);
    private final DetectorInput probe = model.batches(33, 1, 30, 0.4).get(0);

    @Test
    void mergeEqualsOnePassForEveryDetector() {
        int k = SyntheticModel.CLASSES;
        check(() -> KlMatchingDetector.accumulator(k));
        check(() -> MahalanobisDetector.accumulator(k));
        check(() -> KnnDetector.accumulator(5));
        check(() -> ReactDetector.accumulator(model.dense));
        check(() -> DiceDetector.accumulator(model.dense));
        check(() -> VimDetector.accumulator(model.dense));
        check(() -> SheDetector.accumulator(k));
        check(() -> NapDetector.accumulator("relu", k));
        check(() -> ProfileKlDetector.accumulator("relu", k));
        check(() -> PatternDistanceDetector.accumulator("relu", k));
        // SPEC §5b (bank/gradient detectors): banks concatenate in feeding order, NAC-UE counts add exactly
        check(() -> NnGuideDetector.accumulator(5, 1));
        check(() -> NnGuideDetector.accumulator(100, 0.5));
        check(() -> RelationDetector.accumulator());
        check(() -> NacUeDetector.accumulator(model.dense));
    }

    private <D extends OodDetector> void check(Supplier<? extends FitAccumulator<D>> factory) {
        FitAccumulator<D> onePass = factory.get();
        first.forEach(onePass::accept);
        second.forEach(onePass::accept);
        FitAccumulator<D> left = factory.get();
        first.forEach(left::accept);
        FitAccumulator<D> right = factory.get();
        second.forEach(right::accept);
        left.merge(right);
        D expected = onePass.result();
        // sums are added in a different order, so allow rounding; ReAct, KNN, NAP and the pattern counts are exact.
        assertThat(left.result().score(probe)).as(expected.name()).containsExactly(expected.score(probe), within(1e-9));
        // a later batch does not change a detector already returned
        double[] before = expected.score(probe);
        onePass.accept(probe);
        assertThat(expected.score(probe)).as(expected.name()).containsExactly(before);
    }

    @Test
    void mergingDifferentParametersFails() {
        KnnDetector.Accumulator k5 = KnnDetector.accumulator(5);
        assertThatThrownBy(() -> k5.merge(KnnDetector.accumulator(6)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("k = 5");
        ReactDetector.Accumulator r = ReactDetector.accumulator(model.dense);
        assertThatThrownBy(() -> r.merge(ReactDetector.accumulator(model.dense, 80, 1)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("percentile 90.0");
        NapDetector.Accumulator nap = NapDetector.accumulator("relu", 3);
        assertThatThrownBy(() -> nap.merge(NapDetector.accumulator("other", 3)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("layer relu");
        ProfileKlDetector.Accumulator kl = ProfileKlDetector.accumulator("relu", 3);
        assertThatThrownBy(() -> kl.merge(ProfileKlDetector.accumulator("relu", 3, 0.5, 1e-6)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("tau");
        MahalanobisDetector.Accumulator m = MahalanobisDetector.accumulator(3);
        assertThatThrownBy(() -> m.merge(MahalanobisDetector.accumulator(4)))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("for 3 classes");
    }
}
