package dev.onnxinspect.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One file (or image folder) opened by a {@link DataFormat} to feed some inputs and maybe the labels of a
 * {@link FileSource}: its columns are checked against the mappings when it is opened, and each {@link #pass()} reads
 * its rows in file order, a block at a time. Memory: a pass holds one block and what the format needs to read the
 * next one, never the whole file.
 *
 * <p>Owns the native and file resources of every pass it opened: {@link #close()} closes them (idempotent). Not
 * thread-safe.
 */
public interface TableReader extends AutoCloseable {
    /** The file or folder read. */
    Path file();

    /** The number of rows (samples). */
    long rows();

    /**
     * What the file feeds: one spec per input mapping given to {@link DataFormat#open}, in that order; variable
     * dimensions (a list padded per batch) are -1.
     */
    List<InputSpec> inputs();

    /** Whether the blocks carry labels. */
    boolean labelled();

    /** The names of the classes, label i being {@code classNames().get(i)}, where the file names them (else empty). */
    default List<String> classNames() {
        return List.of();
    }

    /** A new pass from the first row. */
    Pass pass() throws IOException;

    @Override
    void close();

    /** One pass over the rows; closes itself at the end or on a failure. */
    interface Pass extends AutoCloseable {
        /**
         * The next {@code maxRows} rows, fewer only where the file ends, or null when no row is left.
         *
         * @throws DatasetException when a value cannot be fed (a null, a value out of the input type's range, an
         *                          image that cannot be decoded), naming the row and the file
         */
        RowBlock next(int maxRows) throws IOException;

        @Override
        void close();
    }
}
