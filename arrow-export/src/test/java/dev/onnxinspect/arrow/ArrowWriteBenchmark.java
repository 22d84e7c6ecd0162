package dev.onnxinspect.arrow;

import dev.onnxinspect.inspect.ClassSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.RootAllocator;

/**
 * Write throughput of a 10-million-row {@code activation_frequency} table (not a test: run it by hand). For each
 * compression it reports rows/s, MB/s of file written, the peak heap (the sum of the heap pools' peak usage since the
 * run started) and Arrow's peak off-heap allocation; and, as a baseline in the same run, the throughput of writing
 * the same number of bytes with a plain {@link FileChannel} in 1 MiB writes followed by the same {@code force}.
 *
 * <p>Run from the repository root (the second command builds the class path):
 * <pre>
 * mvn -B -q -ntp -pl arrow-export -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=$PWD/target/arrow-bench.classpath -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx512m \
 *     -cp arrow-export/target/test-classes:arrow-export/target/classes:$(cat target/arrow-bench.classpath) \
 *     dev.onnxinspect.arrow.ArrowWriteBenchmark [rows] [codecRows] [directory]
 * </pre>
 * Defaults: 10,000,000 rows uncompressed, 1,000,000 rows for LZ4_FRAME and ZSTD (LZ4 in arrow-compression is
 * commons-compress's pure-Java LZ4, several times slower than writing uncompressed), a temporary directory (deleted
 * afterwards).
 */
public final class ArrowWriteBenchmark {
    private static final List<String> LAYERS = List.of("dense_1", "dense_2", "dense_3");
    private static final List<String> DATASETS = List.of("fashion-train", "fashion-test");

    private ArrowWriteBenchmark() {}

    public static void main(String[] args) throws IOException {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long codecRows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        Path dir =
                args.length > 2 ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("arrow-bench");
        TableMetadata metadata = TableMetadata.builder("bench.onnx", TestTables.EMPTY_SHA256, ClassSource.LABEL)
                .layerNames(LAYERS)
                .build();
        print(
                "rows: %,d (codecs %,d), batch rows: %,d, directory: %s, max heap: %d MiB%n",
                rows,
                codecRows,
                ArrowWriteOptions.DEFAULT_BATCH_ROWS,
                dir,
                Runtime.getRuntime().maxMemory() >> 20);
        // a short warm-up so that the JIT has compiled the row path before the timed runs.
        writeArrow(dir.resolve("warmup.arrow"), metadata, 2_000_000, Compression.NONE);
        Files.delete(dir.resolve("warmup.arrow"));
        for (Compression compression : Compression.values()) {
            long n = compression == Compression.NONE ? rows : codecRows;
            resetPeaks();
            Path file = dir.resolve("activation_frequency-" + compression.name().toLowerCase(Locale.ROOT) + ".arrow");
            long start = System.nanoTime();
            long arrowPeak = writeArrow(file, metadata, n, compression);
            double seconds = (System.nanoTime() - start) / 1e9;
            long bytes = Files.size(file);
            long heapPeak = heapPeak();
            print(
                    "arrow %-9s %,11d rows %7.2f s %,12.0f rows/s %8.1f MB/s file %,d bytes, peak heap %d MiB, peak"
                            + " arrow off-heap %d MiB%n",
                    compression,
                    n,
                    seconds,
                    n / seconds,
                    bytes / seconds / 1e6,
                    bytes,
                    heapPeak >> 20,
                    arrowPeak >> 20);
            if (compression == Compression.NONE) {
                Path plain = dir.resolve("plain.bin");
                long baseStart = System.nanoTime();
                writePlain(plain, bytes);
                double baseSeconds = (System.nanoTime() - baseStart) / 1e9;
                print(
                        "plain FileChannel %6.2f s  %8.1f MB/s  (same %,d bytes, 1 MiB writes + force)%n",
                        baseSeconds, bytes / baseSeconds / 1e6, bytes);
                print("arrow / plain throughput ratio: %.2f%n", baseSeconds / seconds);
                Files.delete(plain);
            }
            Files.delete(file);
        }
        if (args.length <= 2) {
            Files.delete(dir);
        }
    }

    /** Writes {@code rows} rows: 3 layers x 2 significances x 2 datasets x 10 classes x neurons; returns Arrow's peak. */
    private static long writeArrow(Path file, TableMetadata metadata, long rows, Compression compression)
            throws IOException {
        ArrowWriteOptions options =
                ArrowWriteOptions.builder().compression(compression).build();
        try (RootAllocator allocator = new RootAllocator()) {
            try (ActivationFrequencyWriter writer =
                    new ActivationFrequencyWriter(file, metadata, options, allocator, LAYERS, DATASETS)) {
                int neurons = 1000;
                long classSize = 6000;
                for (long i = 0; i < rows; i++) {
                    int neuron = (int) (i % neurons);
                    long group = i / neurons;
                    writer.write(
                            LAYERS.get((int) (group % 3)),
                            (group / 3) % 2 == 0 ? "S1" : "S2",
                            DATASETS.get((int) ((group / 6) % 2)),
                            (int) ((group / 12) % 10),
                            neuron,
                            Long.remainderUnsigned(mix(i), classSize + 1),
                            classSize);
                }
                writer.commit();
            }
            return allocator.getPeakMemoryAllocation();
        }
    }

    /**
     * SplitMix64's finaliser: irregular counts. (A periodic count column, e.g. {@code i * 7919 % 6001}, sends
     * commons-compress's LZ4 compressor into its slow path: seconds per batch, see {@link Compression}.)
     */
    private static long mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void writePlain(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        for (int i = 0; i < chunk.capacity(); i++) {
            chunk.put(i, (byte) (i * 31));
        }
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = bytes;
            while (left > 0) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                while (chunk.hasRemaining()) {
                    left -= channel.write(chunk);
                }
            }
            channel.force(true);
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void print(String format, Object... args) {
        System.out.printf(Locale.ROOT, format, args);
    }
}
