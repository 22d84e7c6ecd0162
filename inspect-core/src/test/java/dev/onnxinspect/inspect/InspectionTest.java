package dev.onnxinspect.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.runtime.Device;
import dev.onnxinspect.runtime.InferenceException;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.LayerActivations;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.runtime.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming engine on the dense test model: pre = x W + b, y = Relu(pre), W = [[1, -2], [3, 4]], b = [0.5, -1].
 * For x = [u, v]: pre = [u + 3v + 0.5, -2u + 4v - 1].
 */
class InspectionTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private InferenceSession session;

    @BeforeEach
    void open() {
        session = InferenceSession.open(TestModels.dense(), SessionConfig.defaults());
    }

    @AfterEach
    void close() {
        session.close();
        assertThat(liveInferenceThreads()).isZero();
    }

    private static long liveInferenceThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(InspectionRunner.THREAD_PREFIX) && t.isAlive())
                .count();
    }

    /** n samples, sample i = [i, -i / 2], label i % 2 (or none). */
    private static InMemoryDataset ramp(int n, boolean labelled) {
        float[] data = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            data[2 * i] = i;
            data[2 * i + 1] = -i / 2f;
            labels[i] = i % 2;
        }
        return InMemoryDataset.of("ramp", data, labelled ? labels : null, 2);
    }

    @Test
    void hooksSeeEverySampleOnceInOrderWithItsActivations() {
        List<Long> firsts = new ArrayList<>();
        List<Float> seen = new ArrayList<>();
        AtomicInteger secondHookCalls = new AtomicInteger();
        InspectionSummary summary = assertTimeoutPreemptively(
                LIMIT,
                () -> Inspection.builder(session, ramp(10, true))
                        .layers(List.of("pre"))
                        .batchSize(3)
                        .build()
                        .run(
                                view -> {
                                    firsts.add(view.firstSample());
                                    for (int i = 0; i < view.size(); i++) {
                                        float u = view.batch().data()[2 * i];
                                        float v = view.batch().data()[2 * i + 1];
                                        seen.add(u);
                                        assertThat(u).isEqualTo((float) (view.firstSample() + i));
                                        // pre = [u + 3v + 0.5, -2u + 4v - 1], exact in float32 for these small halves
                                        assertThat(view.layer("pre").value(i, 0))
                                                .isEqualTo(u + 3 * v + 0.5f);
                                        assertThat(view.layer("pre").value(i, 1))
                                                .isEqualTo(-2 * u + 4 * v - 1);
                                        assertThat(view.logits().value(i, 0)).isEqualTo(Math.max(0, u + 3 * v + 0.5f));
                                    }
                                },
                                view -> secondHookCalls.incrementAndGet()));
        assertThat(firsts).containsExactly(0L, 3L, 6L, 9L);
        assertThat(seen).containsExactly(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);
        assertThat(secondHookCalls).hasValue(4);
        assertThat(summary.samples()).isEqualTo(10);
        assertThat(summary.batches()).isEqualTo(4);
        assertThat(summary.numClasses()).isEqualTo(2);
        assertThat(summary.classCounts()).containsExactly(5, 5); // labels i % 2 for i < 10
        assertThat(summary.classSource()).isEqualTo(ClassSource.LABEL);
        assertThat(summary.device()).isEqualTo(Device.CPU);
        assertThat(summary.dataset()).isEqualTo("ramp");
    }

    @Test
    void reusedOutputMemoryGivesTheSameValuesAsCopying() {
        // 1,000 samples in batches of 7 (the last one has 6): more batches than buffer sets, so every set is
        // reused many times; every value must equal the copying run's and the closed form
        InMemoryDataset ds = ramp(1000, true);
        List<float[]> reused = new ArrayList<>();
        List<float[]> copied = new ArrayList<>();
        Inspection.builder(session, ds)
                .layers(List.of("pre"))
                .batchSize(7)
                .build()
                .run(view -> reused.add(view.layer("pre").values()));
        Inspection.builder(session, ds)
                .layers(List.of("pre"))
                .batchSize(7)
                .reuseOutputMemory(false)
                .build()
                .run(view -> copied.add(view.layer("pre").values()));
        assertThat(reused).hasSize(143).hasSameSizeAs(copied);
        for (int b = 0; b < reused.size(); b++) {
            assertThat(reused.get(b)).containsExactly(copied.get(b));
        }
        float[] last = reused.get(142); // samples 994..999: pre = [u + 3v + 0.5, -2u + 4v - 1] with v = -u / 2
        assertThat(last).hasSize(12);
        assertThat(last[10]).isEqualTo(999 - 1.5f * 999 + 0.5f);
        assertThat(last[11]).isEqualTo(-2 * 999 - 2 * 999 - 1f);
    }

    @Test
    void keptActivationsFailLoudlyUnlessCopiedInsideTheHook() {
        List<LayerActivations> keptAsIs = new ArrayList<>();
        List<LayerActivations> keptCopied = new ArrayList<>();
        Inspection inspection = Inspection.builder(session, ramp(10, true))
                .layers(List.of("pre"))
                .batchSize(4)
                .build();
        inspection.run(view -> keptAsIs.add(view.layer("pre")));
        inspection.run(view -> keptCopied.add(view.layer("pre").copy()));
        assertThat(keptAsIs).hasSize(3);
        assertThatThrownBy(() -> keptAsIs.get(0).value(0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("values() or copy()");
        // sample 5 = [5, -2.5]: pre = [5 - 7.5 + 0.5, -10 - 10 - 1] = [-2, -21]
        assertThat(keptCopied.get(1).value(1, 0)).isEqualTo(-2f);
        assertThat(keptCopied.get(1).value(1, 1)).isEqualTo(-21f);

        List<LayerActivations> keptFromArrays = new ArrayList<>();
        Inspection.builder(session, ramp(10, true))
                .layers(List.of("pre"))
                .batchSize(4)
                .reuseOutputMemory(false)
                .build()
                .run(view -> keptFromArrays.add(view.layer("pre")));
        assertThat(keptFromArrays.get(1).value(1, 1)).isEqualTo(-21f);
    }

    @Test
    void aFirstRunThatCannotUseTheBuffersFallsBackToCopying() {
        // y is declared [N, 3] but is [N, 2] for these samples: the buffers made from the declaration do not fit,
        // the first run into them fails, and every batch is then copied; the values are Relu(x) all the same
        try (InferenceSession s =
                InferenceSession.open(TestModels.freeInputDeclaredOutput(), SessionConfig.defaults())) {
            InMemoryDataset ds = InMemoryDataset.of("four", new float[] {1, -2, -3, 4, 5, 6, -7, -8}, null, 2);
            List<float[]> ys = new ArrayList<>();
            List<Float> maxima = new ArrayList<>();
            InspectionSummary summary = Inspection.builder(s, ds)
                    .logitsOutput("s")
                    .layers(List.of("y"))
                    .batchSize(3)
                    .build()
                    .run(v -> {
                        ys.add(v.layer("y").values());
                        for (int i = 0; i < v.size(); i++) {
                            maxima.add(v.logits().value(i, 0));
                        }
                    });
            assertThat(summary.samples()).isEqualTo(4);
            assertThat(ys).hasSize(2);
            assertThat(ys.get(0)).containsExactly(1, 0, 0, 4, 5, 6);
            assertThat(ys.get(1)).containsExactly(0, 0);
            assertThat(maxima).containsExactly(1f, 4f, 6f, -7f); // max over each sample's two values
        }
    }

    @Test
    void outputsWithFreeDimensionsAreCopied() {
        // y's second dimension is free ([N, ?]): no buffers can be made in advance, so the outputs are copied
        try (InferenceSession free = InferenceSession.open(TestModels.misdeclaredOutput(), SessionConfig.defaults())) {
            InMemoryDataset ds = InMemoryDataset.of("two", new float[] {1, -2, -3, 4}, new int[] {0, 1}, 2);
            List<LayerActivations> kept = new ArrayList<>();
            Inspection.builder(free, ds).batchSize(1).build().run(view -> kept.add(view.logits()));
            assertThat(kept).hasSize(2);
            assertThat(kept.get(0).values()).containsExactly(1, 0); // Relu([1, -2]), readable after the run
            assertThat(kept.get(1).values()).containsExactly(0, 4);
        }
    }

    @Test
    void classesComeFromLabelsOrFromPredictions() {
        // x = [1, 2]: y = [7.5, 5] -> 0; x = [-1, 1]: y = [2.5, 5] -> 1; x = [1, -1]: y = [0, 0] -> tie -> 0
        InMemoryDataset ds = InMemoryDataset.of("three", new float[] {1, 2, -1, 1, 1, -1}, new int[] {1, 1, 1}, 2);
        List<int[]> byLabel = new ArrayList<>();
        Inspection.builder(session, ds)
                .batchSize(2)
                .build()
                .run(v -> byLabel.add(v.classes().clone()));
        assertThat(byLabel).containsExactly(new int[] {1, 1}, new int[] {1});

        List<Integer> predicted = new ArrayList<>();
        List<Integer> viaView = new ArrayList<>();
        Inspection inspection = Inspection.builder(session, ds)
                .classSource(ClassSource.PREDICTED)
                .build();
        assertThat(inspection.classSource()).isEqualTo(ClassSource.PREDICTED);
        assertThat(inspection.logitsOutput()).isEqualTo("y"); // the model's first output
        inspection.run(v -> {
            for (int i = 0; i < v.size(); i++) {
                predicted.add(v.classes()[i]);
                viaView.add(v.predictedClass(i));
            }
            assertThat(v.classSource()).isEqualTo(ClassSource.PREDICTED);
        });
        assertThat(predicted).containsExactly(0, 1, 0);
        assertThat(viaView).containsExactly(0, 1, 0);

        InMemoryDataset unlabelled = InMemoryDataset.of("u", new float[] {-1, 1}, null, 2);
        assertThat(Inspection.builder(session, unlabelled).build().classSource())
                .isEqualTo(ClassSource.PREDICTED);
    }

    @Test
    void labelOutsideTheClassesNamesTheSample() {
        InMemoryDataset ds = InMemoryDataset.of("bad", new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 1, 2}, 2);
        assertThatThrownBy(() ->
                        Inspection.builder(session, ds).batchSize(2).build().run())
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("sample 2 of bad has label 2")
                .hasMessageContaining("K = 2")
                .hasMessageContaining("[0, 2)");
    }

    @Test
    void nanLogitsMakePredictionsUndefined() {
        // pre = [u + 3v + 0.5, ...] is NaN when u is NaN
        InMemoryDataset ds = InMemoryDataset.of("nan", new float[] {1, 2, Float.NaN, 1}, new int[] {0, 1}, 2);
        Inspection predicted = Inspection.builder(session, ds)
                .logitsOutput("pre")
                .classSource(ClassSource.PREDICTED)
                .build();
        assertThatThrownBy(predicted::run)
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("sample 1")
                .hasMessageContaining("NaN");
        // with labels, NaN logits are the statistics' business: the inspection runs
        assertThat(Inspection.builder(session, ds)
                        .logitsOutput("pre")
                        .build()
                        .run()
                        .samples())
                .isEqualTo(2);
    }

    @Test
    void emptyAndMisconfiguredInspectionsAreRejected() {
        InMemoryDataset empty = InMemoryDataset.of("empty", new float[0], new int[0], 2);
        // one rule for every entry point (DatasetRules): before the pass when the size is known, else after it
        assertThatThrownBy(() -> Inspection.builder(session, empty).build())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset empty has no samples");
        assertThatThrownBy(() ->
                        Inspection.builder(session, streamOf(List.of())).build().run())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("has no samples");
        InMemoryDataset unlabelled = InMemoryDataset.of("u", new float[] {1, 2}, null, 2);
        assertThatThrownBy(() -> Inspection.builder(session, unlabelled)
                        .classSource(ClassSource.LABEL)
                        .build())
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("PREDICTED");
        assertThatThrownBy(() -> Inspection.builder(session, ramp(4, true))
                        .layers(List.of("xw"))
                        .build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("Unknown output name xw");
        assertThatThrownBy(() -> Inspection.builder(session, ramp(4, true).reshaped(1, 2))
                        .build())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("[1, 2]");
        assertThatThrownBy(() ->
                        Inspection.builder(session, ramp(4, true)).batchSize(-1).build())
                .isInstanceOf(InspectionException.class)
                .hasMessageContaining("batch size")
                .hasMessageContaining("0 for automatic");
    }

    @Test
    void automaticBatchSizeKeepsABatchsOutputsWithinTwoMebibytes() {
        // the dense model's outputs y and pre take 2 + 2 floats = 16 bytes per sample: 256 x 16 B << 2 MiB
        assertThat(Inspection.builder(session, ramp(4, true))
                        .layers(List.of("pre"))
                        .build()
                        .batchSize())
                .isEqualTo(256);
        assertThat(Inspection.builder(session, ramp(4, true))
                        .batchSize(0)
                        .build()
                        .batchSize())
                .isEqualTo(256);
        assertThat(Inspection.builder(session, ramp(4, true))
                        .batchSize(3)
                        .build()
                        .batchSize())
                .isEqualTo(3);
        // a free dimension counts as AUTO_BATCH_FREE_DIM = 64: y [N, M] takes 64 x 4 = 256 B per sample, and
        // 256 x 256 B = 64 KiB fits
        try (InferenceSession free = InferenceSession.open(TestModels.freeWidth(), SessionConfig.defaults())) {
            assertThat(Inspection.autoBatchSize(free, List.of("y"))).isEqualTo(256);
        }
        // y [N, T, 128] with T free: 64 x 128 x 4 = 32,768 B per sample; 2 MiB / 32,768 B = 64 exactly -> 64
        try (InferenceSession free = InferenceSession.open(TestModels.freeSequence(128), SessionConfig.defaults())) {
            assertThat(Inspection.autoBatchSize(free, List.of("y"))).isEqualTo(64);
        }
        // a model whose input fixes the batch size (x [1, 2]): that size, whatever the outputs
        try (InferenceSession fixed = InferenceSession.open(TestModels.fixedBatch(), SessionConfig.defaults())) {
            assertThat(Inspection.autoBatchSize(fixed, List.of("y"))).isEqualTo(1);
            InMemoryDataset two = InMemoryDataset.of("two", new float[] {1, -2, -3, 4}, null, 2);
            List<Float> firsts = new ArrayList<>();
            Inspection.builder(fixed, two)
                    .build()
                    .run(v -> firsts.add(v.logits().value(0, 0)));
            assertThat(firsts).containsExactly(1f, 0f); // Relu of 1 and of -3, one sample per batch
        }
    }

    @Test
    void automaticBatchSizeHalvesUntilTheOutputsFit() {
        // one output of C x 28 x 28 floats = 3,136 C bytes per sample; 2 MiB = 2,097,152 bytes:
        //   C = 16 (50,176 B):  halve from 256 while batch x 50,176 > 2,097,152: 64 x 50,176 = 3,211,264 does not
        //                       fit, 32 x 50,176 = 1,605,632 does -> 32
        //   C = 2 (6,272 B):    256 x 6,272 = 1,605,632 fits -> 256
        //   C = 4096 (12.8 MB): never fits -> the floor, 8
        assertThat(Inspection.autoBatchSize(sessionWithChannels(16), List.of("y")))
                .isEqualTo(32);
        assertThat(Inspection.autoBatchSize(sessionWithChannels(2), List.of("y")))
                .isEqualTo(256);
        assertThat(Inspection.autoBatchSize(sessionWithChannels(4096), List.of("y")))
                .isEqualTo(8);
    }

    private final List<InferenceSession> extraSessions = new ArrayList<>();

    private InferenceSession sessionWithChannels(int channels) {
        InferenceSession s = InferenceSession.open(TestModels.reluOfShape(channels, 28, 28), SessionConfig.defaults());
        extraSessions.add(s);
        return s;
    }

    @AfterEach
    void closeExtraSessions() {
        extraSessions.forEach(InferenceSession::close);
    }

    @Test
    void hookExceptionPropagatesUnchangedAndStopsTheProducer() {
        RuntimeException boom = new IllegalStateException("boom");
        AtomicInteger calls = new AtomicInteger();
        assertTimeoutPreemptively(
                LIMIT,
                () -> assertThatThrownBy(() -> Inspection.builder(session, ramp(1000, true))
                                .batchSize(1)
                                .build()
                                .run(view -> {
                                    if (calls.incrementAndGet() == 2) {
                                        throw boom;
                                    }
                                }))
                        .isSameAs(boom));
        assertThat(calls).hasValue(2);
        assertThat(liveInferenceThreads()).isZero();
    }

    @Test
    void dataFailurePropagatesWithTheOriginalCause() {
        RuntimeException broken = new IllegalStateException("disk on fire");
        Batch good = new Batch(new float[] {1, 2}, 1, new int[] {2}, new int[] {0});
        DataSource failing = new DataSource() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {2};
            }

            @Override
            public long size() {
                return -1;
            }

            @Override
            public boolean labelled() {
                return true;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                return new Iterator<>() {
                    private int n;

                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public Batch next() {
                        if (n++ == 2) {
                            throw broken;
                        }
                        return good;
                    }
                };
            }
        };
        AtomicInteger calls = new AtomicInteger();
        assertTimeoutPreemptively(
                LIMIT,
                () -> assertThatThrownBy(() ->
                                Inspection.builder(session, failing).build().run(v -> calls.incrementAndGet()))
                        .isInstanceOf(InspectionException.class)
                        .hasMessageContaining("failing")
                        .hasMessageContaining("sample 2")
                        .hasMessageContaining("disk on fire")
                        .hasFieldOrPropertyWithValue("kind", Kind.INTERNAL) // an IllegalStateException is a bug
                        .cause()
                        .isSameAs(broken));
        assertThat(calls).hasValue(2);
    }

    @Test
    void aWrappedFailureKeepsTheKindOfItsCause() {
        // a source whose file cannot be read: the inspection's exception is a file error too, not a bad input
        DatasetException unreadable = new DatasetException(Kind.IO, "cannot read data.bin: permission denied");
        DataSource failing = new DataSource() {
            @Override
            public String name() {
                return "unreadable";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {2};
            }

            @Override
            public long size() {
                return -1;
            }

            @Override
            public boolean labelled() {
                return true;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                throw unreadable;
            }
        };
        assertTimeoutPreemptively(
                LIMIT,
                () -> assertThatThrownBy(() ->
                                Inspection.builder(session, failing).build().run(v -> {}))
                        .isInstanceOf(InspectionException.class)
                        .hasMessageContaining("permission denied")
                        .hasFieldOrPropertyWithValue("kind", Kind.IO)
                        .cause()
                        .isSameAs(unreadable));
    }

    @Test
    void modelFailurePropagatesWithTheOriginalCause() {
        // the source declares [2] but its second batch has samples of shape [3]
        Batch ok = new Batch(new float[] {1, 2}, 1, new int[] {2}, null);
        Batch wrong = new Batch(new float[] {1, 2, 3}, 1, new int[] {3}, null);
        assertTimeoutPreemptively(
                LIMIT,
                () -> assertThatThrownBy(() -> Inspection.builder(session, streamOf(List.of(ok, wrong)))
                                .build()
                                .run())
                        .isInstanceOf(InspectionException.class)
                        .hasMessageContaining("sample 1")
                        .cause()
                        .isInstanceOf(InferenceException.class)
                        .hasMessageContaining("[1, 3]"));
    }

    @Test
    void theModelComputesTheNextBatchWhileHooksWorkAndMemoryStaysBounded() {
        CountDownLatch secondBatchRequested = new CountDownLatch(2);
        AtomicInteger handedOut = new AtomicInteger();
        InMemoryDataset ds = ramp(40, true);
        DataSource counting = new CountingSource(ds, handedOut, secondBatchRequested);
        AtomicInteger maxAhead = new AtomicInteger();
        assertTimeoutPreemptively(
                LIMIT,
                () -> Inspection.builder(session, counting).batchSize(2).build().run(v -> {
                    if (v.firstSample() == 0) {
                        try {
                            // the producer fetches (and runs) batch 1 while this hook still holds batch 0
                            assertThat(secondBatchRequested.await(10, TimeUnit.SECONDS))
                                    .isTrue();
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    // batches handed out beyond the one being processed: at most 2 queued + 1 being computed
                    maxAhead.accumulateAndGet(handedOut.get() - (int) (v.firstSample() / 2) - 1, Math::max);
                }));
        assertThat(maxAhead.get()).isBetween(1, 3);
    }

    @Test
    void progressIsReportedAfterEveryBatch() {
        List<String> reports = new ArrayList<>();
        Inspection inspection = Inspection.builder(session, ramp(10, false))
                .batchSize(4)
                .progress((done, total) -> reports.add(done + "/" + total))
                .build();
        assertThat(inspection.batchSize()).isEqualTo(4);
        assertThat(inspection.layers()).isEmpty();
        inspection.run();
        assertThat(reports).containsExactly("4/10", "8/10", "10/10");
        // a second run is a new pass over the data
        InspectionSummary again = inspection.run();
        assertThat(reports).hasSize(6).endsWith("10/10");
        assertThat(again.samples()).isEqualTo(10);
        again.classCounts()[0] = 99;
        assertThat(again.classCounts()[0]).isNotEqualTo(99);
    }

    @Test
    void viewRejectsUnrequestedLayers() {
        Inspection.builder(session, ramp(1, true)).layers(List.of("y")).build().run(v -> {
            assertThat(v.activations().keySet()).containsExactly("y");
            assertThatThrownBy(() -> v.layer("pre"))
                    .isInstanceOf(InspectionException.class)
                    .hasMessageContaining("[y]");
        });
    }

    private static DataSource streamOf(List<Batch> batches) {
        return new DataSource() {
            @Override
            public String name() {
                return "stream";
            }

            @Override
            public int[] sampleShape() {
                return new int[] {2};
            }

            @Override
            public long size() {
                return -1;
            }

            @Override
            public boolean labelled() {
                return false;
            }

            @Override
            public Iterator<Batch> batches(int batchSize) {
                return batches.iterator();
            }
        };
    }

    /** Delegates to a dataset and counts the batches handed out. */
    private static final class CountingSource implements DataSource {
        private final InMemoryDataset delegate;
        private final AtomicInteger handedOut;
        private final CountDownLatch latch;

        CountingSource(InMemoryDataset delegate, AtomicInteger handedOut, CountDownLatch latch) {
            this.delegate = delegate;
            this.handedOut = handedOut;
            this.latch = latch;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int[] sampleShape() {
            return delegate.sampleShape();
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public boolean labelled() {
            return true;
        }

        @Override
        public Iterator<Batch> batches(int batchSize) {
            Iterator<Batch> it = delegate.batches(batchSize);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Batch next() {
                    handedOut.incrementAndGet();
                    latch.countDown();
                    return it.next();
                }
            };
        }
    }
}
