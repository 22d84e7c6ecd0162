package dev.onnxinspect.parquet;

import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSpec;
import dev.onnxinspect.data.FileSource;
import dev.onnxinspect.data.InputMapping;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBDriver;

/**
 * Reading speed and memory of users' data files (a benchmark, not a test): {@code main(dir, format)} writes 10^6
 * rows once (token lists of 1..16 int64, an int32 label and 64 float32 features per row) as {@code parquet} (by
 * DuckDB) or {@code arrow} (an Arrow IPC file, record batches of 10,000 rows), or the features alone as
 * {@code npy}, then reads them in batches of 256 and prints rows/s, the heap in use after the pass and the process's
 * peak resident memory (VmHWM). Run each format in its own JVM.
 */
public final class UsersDataBenchmark {
    private UsersDataBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String format = args[1];
        int rows = 1_000_000;
        Files.createDirectories(dir);
        DataSpec spec;
        if (format.equals("parquet")) {
            Path file = dir.resolve("bench.parquet");
            if (!Files.exists(file)) {
                try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                        Statement s = c.createStatement()) {
                    s.execute("COPY (SELECT (i % 10)::INTEGER AS label, list_transform(range((i % 16) + 1), x -> i)"
                            + " AS tokens, list_transform(range(64), x -> (i + x)::FLOAT) AS features FROM range("
                            + rows + ") t(i) ORDER BY i) TO '" + file + "' (FORMAT parquet)");
                }
            }
            spec = DataSpec.builder()
                    .input(InputMapping.column("ids", file, "tokens"))
                    .input(InputMapping.maskOf("mask", "ids"))
                    .input(InputMapping.column("features", file, "features").withSampleShape(64))
                    .labels(file, "label")
                    .build();
        } else if (format.equals("arrow")) {
            Path file = dir.resolve("bench.arrow");
            if (!Files.exists(file)) {
                writeArrow(file, rows);
            }
            spec = DataSpec.builder()
                    .input(InputMapping.column("ids", file, "tokens"))
                    .input(InputMapping.maskOf("mask", "ids"))
                    .input(InputMapping.column("features", file, "features"))
                    .labels(file, "label")
                    .build();
        } else {
            Path file = dir.resolve("bench.npy");
            if (!Files.exists(file)) {
                String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", 64), }";
                String padded = header + " ".repeat(128 - 11 - header.length()) + "\n";
                try (var out = Files.newOutputStream(file)) {
                    ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
                    h.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                            .putShort((short) padded.length());
                    out.write(h.array());
                    out.write(padded.getBytes(StandardCharsets.US_ASCII));
                    ByteBuffer block = ByteBuffer.allocate(1000 * 64 * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int r = 0; r < rows; r += 1000) {
                        block.clear();
                        for (int i = 0; i < 1000 * 64; i++) {
                            block.putFloat(r + i / 64);
                        }
                        out.write(block.array());
                    }
                }
            }
            spec = DataSpec.builder().input(InputMapping.file("features", file)).build();
        }
        long start = System.nanoTime();
        long count = 0;
        try (FileSource source = spec.open()) {
            Iterator<Batch> it = source.batches(256);
            while (it.hasNext()) {
                count += it.next().size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM"))
                .findFirst()
                .orElse("VmHWM: ?")
                .replaceAll("\\s+", " ");
        System.out.printf(
                "%s: %d rows in %.2f s = %.0f rows/s; heap in use after the pass %d MiB; %s%n",
                format, count, seconds, count / seconds, (rt.totalMemory() - rt.freeMemory()) >> 20, hwm);
    }

    /** The rows of the Parquet file as an Arrow IPC file, in record batches of 10,000 rows. */
    private static void writeArrow(Path file, int rows) throws Exception {
        Field item = new Field("item", FieldType.nullable(new ArrowType.Int(64, true)), null);
        Field f32 =
                new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        Schema schema = new Schema(List.of(
                new Field("label", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("tokens", FieldType.nullable(new ArrowType.List()), List.of(item)),
                new Field("features", FieldType.nullable(new ArrowType.FixedSizeList(64)), List.of(f32))));
        int batch = 10_000;
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
            writer.start();
            IntVector label = (IntVector) root.getVector("label");
            ListVector tokens = (ListVector) root.getVector("tokens");
            FixedSizeListVector features = (FixedSizeListVector) root.getVector("features");
            for (int first = 0; first < rows; first += batch) {
                root.allocateNew();
                BigIntVector ids = (BigIntVector) tokens.getDataVector();
                Float4Vector values = (Float4Vector) features.getDataVector();
                int at = 0;
                for (int r = 0; r < batch; r++) {
                    int i = first + r;
                    label.setSafe(r, i % 10);
                    int start = tokens.startNewValue(r);
                    for (int k = 0; k <= i % 16; k++) {
                        ids.setSafe(start + k, i);
                    }
                    tokens.endValue(r, i % 16 + 1);
                    at = start + i % 16 + 1;
                    features.setNotNull(r);
                    for (int k = 0; k < 64; k++) {
                        values.setSafe(r * 64 + k, i + k);
                    }
                }
                ids.setValueCount(at);
                values.setValueCount(batch * 64);
                root.setRowCount(batch);
                writer.writeBatch();
            }
            writer.end();
        }
    }
}
