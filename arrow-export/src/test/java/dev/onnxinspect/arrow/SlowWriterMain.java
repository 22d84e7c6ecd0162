package dev.onnxinspect.arrow;

import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;

/**
 * The child process of {@link KilledWriterProcessTest}: writes an endless activation_frequency table to
 * {@code args[0]} in batches of 1000 rows, printing {@code batch N} after each batch reaches the temporary file and
 * pausing briefly, until it is killed. It never commits. With a second argument {@code directory}, {@code args[0]} is
 * a result directory ({@link ArrowResultDirectory}, locked for the run) and the table is written into it.
 */
public final class SlowWriterMain {
    private SlowWriterMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        ArrowWriteOptions options = ArrowWriteOptions.builder().batchRows(1000).build();
        if (args.length > 1 && args[1].equals("directory")) {
            try (RootAllocator allocator = new RootAllocator();
                    ArrowResultDirectory results =
                            ArrowResultDirectory.create(file, TestTables.metadata(), options, allocator, Map.of())) {
                writeForever(results.activationFrequency(TestTables.LAYERS, TestTables.DATASETS));
            }
        } else {
            try (RootAllocator allocator = new RootAllocator();
                    ActivationFrequencyWriter writer = new ActivationFrequencyWriter(
                            file, TestTables.metadata(), options, allocator, TestTables.LAYERS, TestTables.DATASETS)) {
                writeForever(writer);
            }
        }
    }

    private static void writeForever(ActivationFrequencyWriter writer) throws InterruptedException {
        for (long row = 0; ; row++) {
            writer.write("fc1", "S1", "mnist", 0, (int) (row % 1_000_000), 1, 2);
            if (row % 1000 == 999) {
                System.out.println("batch " + row / 1000);
                System.out.flush();
                Thread.sleep(20);
            }
        }
    }
}
