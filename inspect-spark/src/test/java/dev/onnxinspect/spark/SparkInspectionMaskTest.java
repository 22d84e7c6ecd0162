package dev.onnxinspect.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.audit.Audit;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.TensorShape;
import dev.onnxinspect.onnx.graph.GraphBuilder;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.NeuronView;
import dev.onnxinspect.stats.NodeClassifierResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed inspection of a tiny text model (int64 {@code input_ids} and {@code attention_mask} [N, T]) with the
 * mask named, against the single-machine {@link Audit} of the same sequences with the same mask: the sequence layers
 * {@code [T, d]} are viewed MASKED_MEAN by both, and the statistics, KL, interactions, node classifiers and the
 * samples left out for an all-zero mask are the same whatever the partitioning (one partition, seven shuffled ones,
 * empty and single-row partitions).
 *
 * <p>Every weight and embedding is a multiple of 1/4 and every sum has at most a few terms, so ONNX Runtime's float32
 * activations are exact in any batch; the masked means are then the same numbers in both runs. The empty-mask counts
 * are known by construction: every sample whose index is a multiple of {@link #EMPTY_EVERY} has the mask all zero.
 */
class SparkInspectionMaskTest {
    private static final int T = 5;
    private static final int VOCAB = 7;
    private static final int EMBED = 3;
    private static final int TOKEN_UNITS = 4;
    private static final int CLASSES = 3;
    private static final int EMPTY_EVERY = 7;
    private static final List<String> LAYERS = List.of("embedding", "token1/relu", "pooled");
    private static final StructType SCHEMA = new StructType()
            .add("ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("mask", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("label", DataTypes.IntegerType, false);

    private static SparkSession spark;
    private static Path model;
    private static Tokens id;
    private static Tokens fit;
    private static Tokens ood;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        spark = Sessions.local("local[2]");
        model = textModel(dir.resolve("text.onnx"));
        id = Tokens.generate("test", 60, 1, 0);
        fit = Tokens.generate("train", 75, 2, 0);
        ood = Tokens.generate("ood", 30, 3, 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * input_ids [N, T] -> Gather E [7, 3] -> "embedding" [N, T, 3] -> MatMul [3, 4] + b -> Relu "token1/relu"
     * [N, T, 4] -> times the mask, summed over T -> "pooled" [N, 4] -> Gemm -> "logits" [N, 3].
     */
    static Path textModel(Path file) throws IOException {
        Random r = new Random(11);
        GraphBuilder g = GraphBuilder.create("spark-text");
        TensorShape seq = TensorShape.of(Dim.symbolic("N"), Dim.symbolic("T"));
        String ids = g.input("input_ids", ElementType.INT64, seq);
        String mask = g.input("attention_mask", ElementType.INT64, seq);
        g.addInitializer("E", quarters(r, VOCAB * EMBED), VOCAB, EMBED);
        g.addInitializer("Wt", quarters(r, EMBED * TOKEN_UNITS), EMBED, TOKEN_UNITS);
        g.addInitializer("bt", quarters(r, TOKEN_UNITS), TOKEN_UNITS);
        g.addInitializer("W2", quarters(r, TOKEN_UNITS * CLASSES), TOKEN_UNITS, CLASSES);
        g.addInitializer("b2", quarters(r, CLASSES), CLASSES);
        String embedding = g.gather("embedding", "E", ids, 0);
        String token = g.relu("token1/relu", g.add("token1", g.matMul("token1/matmul", embedding, "Wt"), "bt"));
        String m = g.unsqueeze("mask3", g.cast("maskf", mask, ElementType.FLOAT), 2);
        String pooled = g.reduceSum("pooled", g.mul("masked", token, m), false, 1);
        g.output(embedding);
        g.output(token);
        g.output(pooled);
        g.output(g.gemm("logits", pooled, "W2", "b2", false));
        g.build().save(file);
        return file;
    }

    private static float[] quarters(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(9) - 4) / 4f;
        }
        return v;
    }

    @Test
    void onePartitionEqualsTheSingleMachineAudit() throws IOException {
        check(id, ood, fit, d -> d.coalesce(1));
    }

    @Test
    void shuffledPartitionsEqualTheSingleMachineAudit() throws IOException {
        check(id, ood, fit, d -> d.repartition(7));
    }

    @Test
    void emptyAndSingleRowPartitionsEqualTheSingleMachineAudit() throws IOException {
        Tokens fewId = Tokens.generate("test", 15, 1, 0);
        Tokens fewFit = Tokens.generate("train", 16, 2, 0);
        Tokens fewOod = Tokens.generate("ood", 9, 3, 2);
        assertThat(fewFit.rows(spark, 40).javaRDD().glom().map(List::size).collect())
                .contains(0)
                .contains(1)
                .doesNotContain(2);
        SparkInspectionResult r = builder()
                .build()
                .run(SparkDatasets.of("test", fewId.rows(spark, 40))
                        .withOod("ood", fewOod.rows(spark, 40))
                        .withFit("train", fewFit.rows(spark, 40)));
        assertSameAsAudit(r, reference(fewId, fewOod, fewFit), fewId, fewOod, fewFit);
    }

    @Test
    void aMaskInputThatIsNotAModelInputIsRefusedAsTheAuditRefusesIt() {
        SparkInspection inspection = SparkInspection.builder(model, mapping())
                .layers(LAYERS)
                .maskInput("mask")
                .build();
        Dataset<Row> rows = id.rows(spark, 2);
        assertThatThrownBy(() -> inspection.run(rows))
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("the attention mask input mask is not an input of the model; its inputs are [input_ids,"
                        + " attention_mask]; name the input that holds the mask [N, T]");
        assertThatThrownBy(() ->
                        Audit.builder(model).id(id).layers(LAYERS).mask("mask").run())
                .isInstanceOf(OnnxInspectException.class)
                .hasMessage("the attention mask input mask is not an input of the model; its inputs are [input_ids,"
                        + " attention_mask]; name the input that holds the mask [N, T]");
    }

    @Test
    void theCommandLineTakesTheMaskInput() {
        SparkInspectMain.Options o = SparkInspectMain.Options.parse(new String[] {
            "--model",
            "m.onnx",
            "--data",
            "d",
            "--input",
            "input_ids=ids",
            "--input",
            "attention_mask=mask",
            "--mask-input",
            "attention_mask",
            "--out",
            "o"
        });
        assertThat(o.maskInput).isEqualTo("attention_mask");
        assertThat(SparkInspectMain.Options.parse(
                                new String[] {"--model", "m", "--data", "d", "--input", "x", "--out", "o"})
                        .maskInput)
                .isNull();
    }

    private static void check(Tokens idSet, Tokens oodSet, Tokens fitSet, UnaryOperator<Dataset<Row>> partitioning)
            throws IOException {
        SparkInspectionResult r = builder()
                .build()
                .run(SparkDatasets.of("test", partitioning.apply(idSet.rows(spark, 3)))
                        .withOod("ood", partitioning.apply(oodSet.rows(spark, 3)))
                        .withFit("train", partitioning.apply(fitSet.rows(spark, 3))));
        assertSameAsAudit(r, reference(idSet, oodSet, fitSet), idSet, oodSet, fitSet);
    }

    private static SparkInspection.Builder builder() {
        return SparkInspection.builder(model, mapping())
                .layers(LAYERS)
                .batchSize(4)
                .maskInput("attention_mask");
    }

    private static RowInputs mapping() {
        return RowInputs.builder()
                .input("input_ids", "ids")
                .input("attention_mask", "mask")
                .labels("label")
                .build();
    }

    private static AuditResult reference(Tokens idSet, Tokens oodSet, Tokens fitSet) throws IOException {
        return Audit.builder(model)
                .fit(fitSet)
                .id(idSet)
                .ood(oodSet)
                .layers(LAYERS)
                .batchSize(8)
                .mask("attention_mask")
                .run();
    }

    private static void assertSameAsAudit(
            SparkInspectionResult r, AuditResult reference, Tokens idSet, Tokens oodSet, Tokens fitSet) {
        SparkInspectionPassesTest.assertSameAudit(r, reference);
        // both runs view the sequence layers through their masked means, the pooled layer as it is
        for (DatasetResult d : List.of(r.datasets().get(0), r.datasets().get(1), r.fitSet())) {
            assertThat(d.layers().get("embedding").frequencies().view()).isEqualTo(NeuronView.MASKED_MEAN);
            assertThat(d.layers().get("token1/relu").frequencies().view()).isEqualTo(NeuronView.MASKED_MEAN);
            assertThat(d.layers().get("pooled").frequencies().view()).isEqualTo(NeuronView.FLATTENED);
        }
        // the samples left out for an all-zero mask, known by construction, in the statistics and the parameters
        for (Tokens set : List.of(idSet, oodSet, fitSet)) {
            DatasetResult d = set == fitSet
                    ? r.fitSet()
                    : r.datasets().stream()
                            .filter(x -> x.name().equals(set.name()))
                            .findFirst()
                            .orElseThrow();
            ActivationFrequencies masked = d.layers().get("token1/relu").frequencies();
            assertThat(set.emptyMasks()).as(set.name()).isPositive();
            assertThat(masked.emptyMaskSamples()).as(set.name()).isEqualTo(set.emptyMasks());
            assertThat(masked.samples()).as(set.name()).isEqualTo(set.size() - set.emptyMasks());
            ActivationFrequencies pooled = d.layers().get("pooled").frequencies();
            assertThat(pooled.samples()).isEqualTo(set.size());
            // the graph's "pooled" is the masked sum of the ReLU outputs s_t >= 0: positive exactly when their masked
            // mean is (an empty mask gives 0, off everywhere), so S1 of the masked-mean view counts as S1 of pooled,
            // and not trivially: some neurons are on in some samples and off in others
            long on = masked.s1Table().classes().stream()
                    .flatMapToInt(c -> Arrays.stream(c.counts()))
                    .asLongStream()
                    .sum();
            assertThat(on).as(set.name()).isBetween(1L, masked.samples() * masked.neurons() - 1);
            assertThat(masked.s1Table().classes())
                    .extracting(c -> Arrays.stream(c.counts()).boxed().toList())
                    .as(set.name())
                    .isEqualTo(pooled.s1Table().classes().stream()
                            .map(c -> Arrays.stream(c.counts()).boxed().toList())
                            .toList());
            assertThat(r.parameters())
                    .containsEntry("empty_mask_samples." + set.name(), Long.toString(set.emptyMasks()))
                    .containsEntry(
                            "empty_mask_samples." + set.name(),
                            reference.parameters().get("empty_mask_samples." + set.name()));
        }
        assertThat(r.parameters()).containsEntry("mask_input", "attention_mask");
        assertThat(r.parameters().get("view.embedding"))
                .isEqualTo(reference.parameters().get("view.embedding"));
        // the node classifiers of the masked layers leave out the empty masks of the ID set, as the audit's do
        List<NodeClassifierResult> nodes = r.nodeClassifiers();
        assertThat(nodes).extracting(NodeClassifierResult::layer).contains("token1/relu");
        for (int i = 0; i < nodes.size(); i++) {
            NodeClassifierResult got = nodes.get(i);
            assertThat(got.emptyMaskSamples())
                    .as(got.layer())
                    .isEqualTo(reference.nodeClassifiers().get(i).emptyMaskSamples())
                    .isEqualTo(got.layer().equals("pooled") ? 0 : idSet.emptyMasks());
        }
        assertThat(r.parameters()).containsEntry("node_eval_samples", Long.toString(idSet.size()));
    }

    /**
     * Token sequences of length {@link #T} (ids 1-6, padded with 0) with their masks (1 for the first L positions,
     * L in 1-5; all zero for every sample whose index is a multiple of {@link #EMPTY_EVERY}), class i mod 3 (its ids
     * drawn around 2c + 1); the same samples for the audit (batches of int64 tensors) and as Spark rows.
     */
    private static final class Tokens implements DataSource {
        private final String name;
        private final long[][] ids;
        private final long[][] masks;
        private final int[] labels;

        private Tokens(String name, long[][] ids, long[][] masks, int[] labels) {
            this.name = name;
            this.ids = ids;
            this.masks = masks;
            this.labels = labels;
        }

        static Tokens generate(String name, int n, long seed, int shift) {
            Random r = new Random(seed);
            long[][] ids = new long[n][T];
            long[][] masks = new long[n][T];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % CLASSES;
                int length = i % EMPTY_EVERY == 0 ? 0 : 1 + r.nextInt(T);
                for (int t = 0; t < length; t++) {
                    ids[i][t] = 1L + Math.floorMod(2 * labels[i] + r.nextInt(3) - 1 + shift, VOCAB - 1);
                    masks[i][t] = 1;
                }
            }
            return new Tokens(name, ids, masks, labels);
        }

        long emptyMasks() {
            return ((long) ids.length + EMPTY_EVERY - 1) / EMPTY_EVERY;
        }

        /** The rows in {@code partitions} slices of consecutive rows (Spark's parallelize). */
        Dataset<Row> rows(SparkSession session, int partitions) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                rows.add(RowFactory.create(boxed(ids[i]), boxed(masks[i]), labels[i]));
            }
            JavaSparkContext context = JavaSparkContext.fromSparkContext(session.sparkContext());
            return session.createDataFrame(context.parallelize(rows, partitions), SCHEMA);
        }

        private static Long[] boxed(long[] values) {
            Long[] out = new Long[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i];
            }
            return out;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int[] sampleShape() {
            throw new UnsupportedOperationException("token sequences: two inputs, see inputs()");
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(
                    new InputSpec("input_ids", ElementType.INT64, new long[] {-1}),
                    new InputSpec("attention_mask", ElementType.INT64, new long[] {-1}));
        }

        @Override
        public long size() {
            return ids.length;
        }

        @Override
        public boolean labelled() {
            return true;
        }

        @Override
        public Iterator<Batch> batches(int batchSize) {
            List<Batch> batches = new ArrayList<>();
            for (int first = 0; first < ids.length; first += batchSize) {
                int n = Math.min(batchSize, ids.length - first);
                long[] idValues = new long[n * T];
                long[] maskValues = new long[n * T];
                int[] batchLabels = new int[n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(ids[first + i], 0, idValues, i * T, T);
                    System.arraycopy(masks[first + i], 0, maskValues, i * T, T);
                    batchLabels[i] = labels[first + i];
                }
                batches.add(new Batch(
                        n,
                        List.of(
                                InputTensor.longs("input_ids", idValues, n, T),
                                InputTensor.longs("attention_mask", maskValues, n, T)),
                        batchLabels));
            }
            return batches.iterator();
        }
    }
}
