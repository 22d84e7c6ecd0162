package dev.onnxinspect.arrow.columns;

import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What one mapping reads from the record batches of a file, checked against the schema when the plan is made; a
 * {@link Block} gathers the rows of one output block, possibly from several record batches.
 */
abstract class Column {
    final Path file;

    Column(Path file) {
        this.file = file;
    }

    /** The inputs this column feeds (the input, and its padding mask where one is mapped). */
    abstract List<InputSpec> specs();

    /** A builder for the next {@code rows} rows, the first of which is row {@code firstRow} of the file. */
    abstract Block begin(int rows, long firstRow);

    /** The rows of one output block. */
    interface Block {
        /**
         * Copies rows {@code [from, from + count)} of the loaded record batch to rows {@code [at, at + count)} of the
         * block; {@code rootFirstRow} is the file-wide index of the record batch's row 0.
         */
        void copy(VectorSchemaRoot root, int from, int count, int at, long rootFirstRow);

        /** Adds the finished tensors to {@code out}. */
        void finish(List<InputTensor> out);

        /** The labels, for a label column; null otherwise. */
        default int[] labels() {
            return null;
        }
    }

    /** "column 'c' of FILE", for messages. */
    static String describe(String column, Path file) {
        return "column '" + column + "' of " + file;
    }
}
