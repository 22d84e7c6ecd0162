package dev.onnxinspect.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The distributed fit's contract (e.g. Spark partitions): suite builders fed parts of the fit set, serialized (as they
 * cross the wire) and merged, fit the detectors one pass fits; a fitted suite survives serialization bit for bit.
 */
class DetectorSuiteMergeTest {
    private final SyntheticModel model = new SyntheticModel(11);
    private final List<DetectorInput> fit = model.batches(1, 4, 50, 0);
    private final DetectorInput scored = model.batches(2, 1, 40, 0.5).get(0);

    @Test
    void serializedPartialBuildersMergeIntoTheOnePassFit() throws Exception {
        DetectorSuite onePass = model.fitStandardSuite(fit);
        DetectorSuite.Builder first = DetectorSuite.standard(model.dense, SyntheticModel.CLASSES, List.of("relu"));
        DetectorSuite.Builder second = DetectorSuite.standard(model.dense, SyntheticModel.CLASSES, List.of("relu"));
        DetectorSuite.Builder empty = DetectorSuite.standard(model.dense, SyntheticModel.CLASSES, List.of("relu"));
        first.accept(fit.get(0)).accept(fit.get(1));
        second.accept(fit.get(2)).accept(fit.get(3));
        DetectorSuite merged = roundTrip(first)
                .merge(roundTrip(empty))
                .merge(roundTrip(second))
                .build();
        assertThat(merged.names()).isEqualTo(onePass.names());
        ScoreColumns expected = onePass.score(scored);
        ScoreColumns actual = merged.score(scored);
        for (String name : onePass.names()) {
            double[] e = expected.column(name);
            double[] a = actual.column(name);
            for (int i = 0; i < e.length; i++) {
                if (Double.isInfinite(e[i])) {
                    assertThat(a[i]).as("%s of sample %d", name, i).isEqualTo(e[i]);
                } else {
                    assertThat(a[i])
                            .as("%s of sample %d", name, i)
                            .isCloseTo(e[i], within(1e-9 * Math.max(1, Math.abs(e[i]))));
                }
            }
        }
    }

    @Test
    void aFittedSuiteSurvivesSerializationBitForBit() throws Exception {
        DetectorSuite suite = model.fitStandardSuite(fit);
        DetectorSuite copy = roundTrip(suite);
        for (String name : suite.names()) {
            assertThat(copy.score(scored).column(name))
                    .as(name)
                    .isEqualTo(suite.score(scored).column(name));
        }
    }

    @Test
    void refusesToMergeBuildersOfAnotherSuite() {
        DetectorSuite.Builder withLayer = DetectorSuite.standard(model.dense, SyntheticModel.CLASSES, List.of("relu"));
        DetectorSuite.Builder without = DetectorSuite.standard(model.dense, SyntheticModel.CLASSES, List.of());
        assertThatThrownBy(() -> withLayer.merge(without))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("cannot merge a suite builder of 25 entries into one of 28");
        DetectorSuite.Builder a = DetectorSuite.builder().add(EnergyDetector.create());
        DetectorSuite.Builder b = DetectorSuite.builder().fit(KnnDetector.accumulator());
        assertThatThrownBy(() -> a.merge(b))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("entry 0 is a EnergyDetector here and a Accumulator in the other");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
