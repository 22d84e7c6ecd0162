package dev.onnxinspect.data;

import java.util.List;

/**
 * Consecutive rows of one file as a {@link TableReader.Pass} hands them out: one tensor per input the file feeds
 * (batch dimension first, {@code rows} samples) and the rows' labels where the file holds them.
 *
 * @param rows    the number of rows, at least 1
 * @param tensors the tensors, in the order of {@link TableReader#inputs()}; may be empty for a file of labels only
 * @param labels  one label per row, or null; not copied
 */
public record RowBlock(int rows, List<InputTensor> tensors, int[] labels) {
    public RowBlock {
        if (rows < 1) {
            throw new IllegalArgumentException("a row block has at least one row, got " + rows);
        }
        tensors = List.copyOf(tensors);
        for (InputTensor t : tensors) {
            if (t.batchSize() != rows) {
                throw new IllegalArgumentException(t + " has " + t.batchSize() + " rows in a block of " + rows);
            }
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException(labels.length + " labels in a block of " + rows + " rows");
        }
    }
}
