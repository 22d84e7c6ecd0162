package dev.onnxinspect.ood;

import static dev.onnxinspect.ood.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.metrics.OodEvaluation;
import dev.onnxinspect.metrics.OodMetrics;
import dev.onnxinspect.onnx.DenseLayer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorSuiteTest {
    private static final String SHA = "ab12cd34";
    private final SyntheticModel model = new SyntheticModel(11);
    private final List<DetectorInput> fit = model.batches(1, 4, 50, 0);

    @Test
    void standardSuiteHasEverySpecDetector() {
        DetectorSuite suite = model.fitStandardSuite(fit);
        assertThat(suite.names())
                .containsExactly(
                        "msp",
                        "max_logit",
                        "energy",
                        "odin",
                        "gradnorm",
                        "kl_matching",
                        "mahalanobis",
                        "knn",
                        "react_energy",
                        "ash_b",
                        "ash_s",
                        "ash_p",
                        "dice",
                        "vim",
                        "she",
                        "fdbd",
                        "rmds",
                        "gen",
                        "scale",
                        "msp_temperature",
                        "entropy",
                        "entropy_temperature",
                        "nnguide",
                        "relation",
                        "nac_ue",
                        "nap_hamming[relu]",
                        "profile_kl[relu]",
                        "pattern_distance[relu]");
        assertThat(suite.layers()).containsExactly("relu");
        assertThat(suite.requiredInputs())
                .containsExactlyInAnyOrder(
                        DetectorInputKind.LOGITS, DetectorInputKind.FEATURES, DetectorInputKind.LAYER_ACTIVATIONS);
        List<String> weighted = suite.detectors().stream()
                .filter(OodDetector::usesDenseWeights)
                .map(OodDetector::name)
                .toList();
        assertThat(weighted)
                .containsExactly("react_energy", "ash_b", "ash_s", "ash_p", "dice", "vim", "fdbd", "scale", "nac_ue");
        assertThat(suite.detectors().get(6).requiredInputs()).containsExactly(DetectorInputKind.FEATURES);
        ScoreColumns scores = suite.score(fit.get(0));
        assertThat(scores.names()).isEqualTo(suite.names());
        assertThat(scores.samples()).isEqualTo(50);
        assertThat(scores.column("energy")).hasSize(50);
        assertThat(scores.score("msp", 0)).isBetween(-1.0, -1.0 / 3);
        assertThatThrownBy(() -> scores.column("nope"))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("no score column 'nope'");
    }

    @Test
    void aHeadTooNarrowForAshLeavesAshOutWithItsReason() {
        // ASH keeps k = n - round(0.9 n) entries: n = 4 gives 4 - round(3.6) = 0, so no ASH variant can be made
        DenseLayer narrow = new DenseLayer("logits", "h", 2, 4, new float[8], new float[2]);
        List<String> skipped = new ArrayList<>();
        DetectorSuite suite =
                DetectorSuite.standard(narrow, 2, List.of(), 0, 1e-6, skipped).buildUnfitted();
        assertThat(suite.names()).doesNotContain("ash_b", "ash_s", "ash_p").contains("msp", "energy", "gradnorm");
        assertThat(skipped).hasSize(3).allSatisfy(why -> assertThat(why).contains("keeps no entry"));
        assertThat(skipped.get(0)).startsWith("ash_b: ");
        // without a list to record it in, the narrow head is refused as before
        assertThatThrownBy(() -> DetectorSuite.standard(narrow, 2, List.of(), 0, 1e-6))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("keeps no entry");
    }

    @Test
    void shiftedDataScoresHigherOnFeatureDetectors() {
        // A sanity property, not a number: features shifted by +3 are far from the fit set, so Mahalanobis
        // ranks them above held-out ID data almost always.
        DetectorSuite suite = model.fitStandardSuite(fit);
        DetectorInput id = model.batches(2, 1, 100, 0).get(0);
        DetectorInput ood = model.batches(3, 1, 100, 3).get(0);
        // (KNN is left out: it normalises h, and a uniform shift moves h towards the diagonal, not away.)
        OodEvaluation e = OodMetrics.evaluate(
                suite.score(id).column("mahalanobis"), suite.score(ood).column("mahalanobis"));
        assertThat(e.auroc()).isGreaterThan(0.95);
    }

    @Test
    void savedSuiteLoadsWithIdenticalScores(@TempDir Path dir) throws IOException {
        DetectorSuite suite = model.fitStandardSuite(fit);
        Path file = dir.resolve("detectors.bin");
        suite.save(file, SHA);
        DetectorSuite loaded = DetectorSuite.load(file, SHA);
        assertThat(loaded.names()).isEqualTo(suite.names());
        DetectorInput probe = model.batches(5, 1, 40, 0.5).get(0);
        ScoreColumns before = suite.score(probe);
        ScoreColumns after = loaded.score(probe);
        for (String name : suite.names()) {
            assertThat(after.column(name)).as(name).containsExactly(before.column(name));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(file); // no temporary file left behind
        }
        // readable by others like a file created the ordinary way (0666 & ~umask); createTempFile would give 0600
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX");
        Path plain = Files.write(dir.resolve("plain"), new byte[] {1});
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
        assumeTrue(Files.getPosixFilePermissions(plain).contains(PosixFilePermission.OTHERS_READ), "umask 0x7");
        assertThat(Files.getPosixFilePermissions(file))
                .contains(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    }

    @Test
    void loadingForAnotherModelOrAForeignFileFails(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("energy.bin");
        DetectorFiles.save(file, SHA, EnergyDetector.withTemperature(3));
        assertThat(((EnergyDetector) DetectorFiles.load(file, SHA).get(0)).temperature())
                .isEqualTo(3.0);
        assertThatThrownBy(() -> DetectorFiles.load(file, "ffff"))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("fitted for the model with SHA-256 ab12cd34")
                .hasMessageContaining("refit the detectors");
        Path foreign = dir.resolve("foreign.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(foreign))) {
            out.writeInt(42);
        }
        assertThatThrownBy(() -> DetectorFiles.load(foreign, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("not an onnx-inspect detector file");
        Path future = dir.resolve("future.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(future))) {
            out.writeInt(DetectorFiles.MAGIC);
            out.writeInt(99);
        }
        assertThatThrownBy(() -> DetectorFiles.load(future, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("format version 99; this library reads versions 1 to 3")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
        Path truncated = dir.resolve("truncated.bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> DetectorFiles.load(truncated, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("ends early");
        OodDetector custom = new OodDetector() {
            @Override
            public String name() {
                return "custom";
            }

            @Override
            public Set<DetectorInputKind> requiredInputs() {
                return Set.of();
            }

            @Override
            public double[] score(DetectorInput input) {
                return new double[input.samples()];
            }
        };
        assertThatThrownBy(() -> DetectorFiles.save(dir.resolve("c.bin"), SHA, custom))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("cannot save detector custom");
    }

    @Test
    void version1FilesLoadExceptForPatternDistance(@TempDir Path dir) throws IOException {
        // format version 1 differs from 2 only in the pattern-distance state: an energy detector saved then loads
        Path energy = dir.resolve("energy-v1.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(energy))) {
            writeHeader(out, 1, EnergyDetector.TYPE);
            EnergyDetector.withTemperature(2).writeState(out);
        }
        assertThat(((EnergyDetector) DetectorFiles.load(energy, SHA).get(0)).temperature())
                .isEqualTo(2.0);
        // version 1 kept the frequencies F = C / N_c, from which the integer counts cannot be recovered
        Path pattern = dir.resolve("pattern-v1.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(pattern))) {
            writeHeader(out, 1, PatternDistanceDetector.TYPE);
            out.writeUTF("relu");
            out.writeInt(1); // one class
            out.writeDouble(0); // tau
            out.writeInt(2); // two units
            out.writeBoolean(true); // F0 = [0.5, 1]
            StateIo.writeDoubles(out, new double[] {0.5, 1});
        }
        assertThatThrownBy(() -> DetectorFiles.load(pattern, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("pattern-distance detector in format version 1")
                .hasMessageContaining("Fit and save the detectors (or the guard) again")
                .hasFieldOrPropertyWithValue("kind", Kind.UNSUPPORTED);
    }

    @Test
    void damagedPatternDistanceCountsAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pattern.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            writeHeader(out, DetectorFiles.FORMAT_VERSION, PatternDistanceDetector.TYPE);
            out.writeUTF("relu");
            out.writeInt(1); // one class
            out.writeDouble(0); // tau
            out.writeInt(2); // two units
            out.writeBoolean(true);
            out.writeLong(3); // N_0 = 3, but a count of 4
            StateIo.writeLongs(out, new long[] {1, 4});
        }
        assertThatThrownBy(() -> DetectorFiles.load(file, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("count 4 for 3 fit samples")
                .hasMessageContaining("damaged")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    private static void writeHeader(DataOutputStream out, int version, String type) throws IOException {
        out.writeInt(DetectorFiles.MAGIC);
        out.writeInt(version);
        out.writeUTF(SHA);
        out.writeInt(1);
        out.writeUTF(type);
    }

    @Test
    void aCorruptArrayLengthIsABadFileNotAnIoError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("corrupt.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(DetectorFiles.MAGIC);
            out.writeInt(DetectorFiles.FORMAT_VERSION);
            out.writeUTF(SHA);
            out.writeInt(1);
            out.writeUTF(KlMatchingDetector.TYPE);
            out.writeInt(1); // one class
            out.writeBoolean(true); // with a template
            out.writeInt(-5); // of length -5
        }
        assertThatThrownBy(() -> DetectorFiles.load(file, SHA))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("array length -5")
                .hasMessageContaining("damaged")
                .hasFieldOrPropertyWithValue("kind", Kind.INVALID_INPUT);
    }

    @Test
    void onlyRefusalsOfTheFitDataAreSkipped() {
        // KNN (k = 50) cannot be fitted on 10 samples: a refusal of the data, skipped and recorded
        List<String> skipped = new ArrayList<>();
        DetectorSuite suite = DetectorSuite.builder()
                .fit(KnnDetector.accumulator())
                .accept(model.batches(1, 1, 10, 0).get(0))
                .buildSkippingFailures(skipped);
        assertThat(suite.names()).isEmpty();
        assertThat(skipped).singleElement().asString().startsWith("KnnDetector.Accumulator: KNN with k = 50");
        // a bug inside an accumulator is thrown, never hidden in the skipped list
        FitAccumulator<OodDetector> broken = new FitAccumulator<>() {
            @Override
            public void accept(DetectorInput batch) {}

            @Override
            public void merge(FitAccumulator<OodDetector> other) {}

            @Override
            public OodDetector result() {
                throw new OodException(Kind.INTERNAL, "broken invariant");
            }
        };
        List<String> none = new ArrayList<>();
        assertThatThrownBy(() -> DetectorSuite.builder().fit(broken).buildSkippingFailures(none))
                .isInstanceOf(OodException.class)
                .hasMessage("broken invariant");
        assertThat(none).isEmpty();
    }

    @Test
    void manyThreadsScoreExactlyAsOne() throws Exception {
        // 8 threads each score the same 10,000 samples (100 batches of 100) through one fitted suite; every column
        // must equal the single-threaded scores bit for bit (no shared mutable state in scoring).
        DetectorSuite suite = model.fitStandardSuite(fit);
        List<DetectorInput> probes = model.batches(9, 100, 100, 0.3);
        List<ScoreColumns> expected = probes.stream().map(suite::score).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<ScoreColumns>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    List<ScoreColumns> out = new ArrayList<>();
                    for (int k = 0; k < probes.size(); k++) {
                        out.add(suite.score(probes.get((k + offset * 13) % probes.size())));
                    }
                    return out;
                }));
            }
            List<String> mismatches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<ScoreColumns> got = futures.get(t).get();
                for (int k = 0; k < probes.size(); k++) {
                    ScoreColumns want = expected.get((k + t * 13) % probes.size());
                    for (String name : suite.names()) {
                        if (!Arrays.equals(got.get(k).column(name), want.column(name))) {
                            mismatches.add("thread " + t + " batch " + k + " " + name);
                        }
                    }
                }
            }
            assertThat(mismatches).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void duplicateNamesAreRejected() {
        assertThatThrownBy(() -> DetectorSuite.of(List.of(EnergyDetector.create(), EnergyDetector.withTemperature(2))))
                .isInstanceOf(OodException.class)
                .hasMessageContaining("two detectors are named 'energy'");
    }

    @Test
    void builderStreamsBatchesIntoEveryAccumulator() {
        // Fitting through the builder in two batches equals fitting the accumulator directly on both.
        DetectorInput a = Inputs.labelledFeatures(new int[] {0, 0}, row(0), row(2));
        DetectorInput b = Inputs.labelledFeatures(new int[] {1, 1}, row(10), row(14));
        DetectorSuite suite = DetectorSuite.builder()
                .fit(MahalanobisDetector.accumulator(2))
                .accept(a)
                .accept(b)
                .build();
        // as in FeatureDetectorsTest: Sigma = 2.5, h = 6 -> 25 / 2.5 = 10.
        assertThat(suite.score(Inputs.features(row(6))).column("mahalanobis")[0])
                .isCloseTo(10.0, org.assertj.core.api.Assertions.within(1e-12));
    }
}
