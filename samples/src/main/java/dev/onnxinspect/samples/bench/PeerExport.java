package dev.onnxinspect.samples.bench;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.data.FashionMnist;
import dev.onnxinspect.data.InMemoryDataset;
import dev.onnxinspect.inspect.Inspection;
import dev.onnxinspect.runtime.InferenceSession;
import dev.onnxinspect.runtime.SessionConfig;
import dev.onnxinspect.stats.ActivationFrequencies;
import dev.onnxinspect.stats.ClassBasis;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.LayerStatistics;
import dev.onnxinspect.stats.StatsOptions;
import dev.onnxinspect.trainers.arch.Architecture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what the peer benchmark ({@code scripts/bench-peer.sh}, {@code scripts/bench_peer.py}) needs to run the
 * typical alternative (PyTorch forward hooks + numpy counts) on the same weights and data as {@link
 * InspectionBenchmark}, and to check its counts against the library's: for every model, the instrumented ONNX file
 * of {@link BenchModel} ({@code <model>.onnx}, the same Xavier weights), the automatic batch size and hidden layers
 * ({@code <model>.txt}: a line {@code batch N}, then one line {@code layer <index> <units> <name>} per hidden layer),
 * and the library's S1 and S2 class-wise counts over the first {@code --check-samples} samples of Fashion-MNIST test
 * ({@code <model>-<index>-s1.npy}, {@code -s2.npy}: int64 [K, units], K = 10, zero rows for absent classes); and once
 * the inputs themselves ({@code input.npy}: float32 [N, 784], the whole test set as the library reads it, and {@code
 * labels.npy}: int64 [N]).
 *
 * <p>Arguments: {@code --out DIR --models mlp,cnn --check-samples 2000}.
 */
public final class PeerExport {
    private static final int CLASSES = 10;

    private PeerExport() {}

    public static void main(String[] argv) throws IOException {
        InspectionBenchmark.Args args = new InspectionBenchmark.Args(argv);
        Path out = Path.of(args.value("out", "target/bench-peer"));
        int check = args.integer("check-samples", 2000);
        Files.createDirectories(out);
        InMemoryDataset test = FashionMnist.test();
        if (check < 1 || check > test.size()) {
            throw new OnnxInspectException("--check-samples must be in [1, " + test.size() + "], got " + check);
        }
        float[] inputs = new float[(int) test.size() * test.sampleSize()];
        long[] labels = new long[(int) test.size()];
        for (int i = 0; i < test.size(); i++) {
            System.arraycopy(test.sample(i), 0, inputs, i * test.sampleSize(), test.sampleSize());
            labels[i] = test.label(i);
        }
        writeFloats(out.resolve("input.npy"), inputs, new int[] {(int) test.size(), test.sampleSize()});
        writeLongs(out.resolve("labels.npy"), labels, new int[] {labels.length});
        for (String name : args.value("models", "mlp,cnn").split(",")) {
            BenchModel model = BenchModel.byName(name.trim());
            export(model, test.subset(0, check).reshaped(model.sampleShape()), out);
        }
    }

    private static void export(BenchModel model, InMemoryDataset data, Path out) throws IOException {
        Files.write(out.resolve(model.name() + ".onnx"), model.instrumented());
        // as InspectionBenchmark's (b) opens it: blocked channel outputs, so the batch (the automatic one) and the
        // counts the peer is checked against come from the path that is measured
        SessionConfig config =
                SessionConfig.builder().intraOpThreads(1).blockedChannels(true).build();
        try (InferenceSession session = InferenceSession.open(model.instrumented(), config)) {
            List<String> outputs = new ArrayList<>(List.of(Architecture.LOGITS));
            outputs.addAll(model.hiddenLayers());
            int batch = Inspection.autoBatchSize(session, outputs);
            StatisticsHook hook = new StatisticsHook(
                    StatsOptions.builder(CLASSES, ClassBasis.LABEL).build(), model.hiddenLayers());
            Inspection.builder(session, data)
                    .layers(model.hiddenLayers())
                    .batchSize(batch)
                    .build()
                    .run(hook);
            StringBuilder manifest = new StringBuilder("batch " + batch + "\n");
            List<LayerStatistics> layers = hook.finish().layers();
            for (int l = 0; l < layers.size(); l++) {
                ActivationFrequencies f = layers.get(l).frequencies();
                int units = f.s1Table().units();
                manifest.append(String.format(
                        Locale.ROOT,
                        "layer %d %d %s%n",
                        l,
                        units,
                        model.hiddenLayers().get(l)));
                writeCounts(out.resolve(model.name() + "-" + l + "-s1.npy"), f.s1Table(), units);
                writeCounts(out.resolve(model.name() + "-" + l + "-s2.npy"), f.s2Table(), units);
            }
            Files.writeString(out.resolve(model.name() + ".txt"), manifest.toString());
        }
    }

    private static void writeCounts(Path file, FrequencyTable table, int units) throws IOException {
        long[] counts = new long[CLASSES * units];
        for (int c : table.classIds()) {
            int[] row = table.forClass(c).counts();
            for (int u = 0; u < units; u++) {
                counts[c * units + u] = row[u];
            }
        }
        writeLongs(file, counts, new int[] {CLASSES, units});
    }

    static void writeFloats(Path file, float[] values, int[] shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        writeNpy(file, "<f4", shape, data.array());
    }

    static void writeLongs(Path file, long[] values, int[] shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        writeNpy(file, "<i8", shape, data.array());
    }

    /** A version 1.0 {@code .npy} file: magic, header length, a padded Python dict literal, the raw data. */
    static void writeNpy(Path file, String dtype, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': ("
                + (shape.length == 1 ? dims.toString().trim() : dims.substring(0, dims.length() - 2)) + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            os.write(headerBytes.length & 0xff);
            os.write(headerBytes.length >>> 8);
            os.write(headerBytes);
            os.write(data);
        }
    }
}
