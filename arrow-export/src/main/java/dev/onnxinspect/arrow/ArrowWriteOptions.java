package dev.onnxinspect.arrow;

/**
 * How tables are written: rows per record batch and body compression.
 *
 * <p>A writer holds at most one record batch in memory, so {@code batchRows} bounds its memory whatever the number
 * of rows: about {@code batchRows} times the row width in bytes (e.g. 64k rows of 8 fixed-width columns is ~3 MiB).
 *
 * @param batchRows   rows per record batch, 1 to {@value #MAX_BATCH_ROWS} (default {@value #DEFAULT_BATCH_ROWS})
 * @param compression body compression (default {@link Compression#NONE})
 */
public record ArrowWriteOptions(int batchRows, Compression compression) {
    public static final int DEFAULT_BATCH_ROWS = 65_536;
    public static final int MAX_BATCH_ROWS = 1 << 24;

    public ArrowWriteOptions {
        if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
            throw new ArrowExportException("batchRows must be between 1 and " + MAX_BATCH_ROWS + ", got " + batchRows
                    + "; the default " + DEFAULT_BATCH_ROWS + " suits most tables");
        }
        if (compression == null) {
            throw new ArrowExportException("compression must not be null; use Compression.NONE for none");
        }
    }

    /** Uncompressed, {@value #DEFAULT_BATCH_ROWS} rows per batch. */
    public static ArrowWriteOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults above; {@link #build()} validates. */
    public static final class Builder {
        private int batchRows = DEFAULT_BATCH_ROWS;
        private Compression compression = Compression.NONE;

        private Builder() {}

        public Builder batchRows(int batchRows) {
            this.batchRows = batchRows;
            return this;
        }

        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        public ArrowWriteOptions build() {
            return new ArrowWriteOptions(batchRows, compression);
        }
    }
}
