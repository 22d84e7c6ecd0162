package dev.onnxinspect.arrow;

import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;

/**
 * The child process of {@link KilledWriterProcessTest}: writes an endless activation_frequency table to
 * {@code args[0]} in batches of 1000 rows, printing {@code batch N} after each batch reaches the temporary file and
 * pausing briefly, until it is killed. It never commits.
 */
public final class SlowWriterMain {
    private SlowWriterMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        ArrowWriteOptions options = ArrowWriteOptions.builder().batchRows(1000).build();
        try (RootAllocator allocator = new RootAllocator();
                ActivationFrequencyWriter writer = new ActivationFrequencyWriter(
                        file, TestTables.metadata(), options, allocator, TestTables.LAYERS, TestTables.DATASETS)) {
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
}
