package dev.onnxinspect.data;

/**
 * The rules every command and every library entry point applies to a dataset's size, in one place, so that
 * {@code inspect}, {@code audit}, {@code fit}, {@code score} and the service refuse the same data with the same
 * message.
 *
 * <ul>
 *   <li>An empty dataset (no samples) is refused: as soon as its size is known ({@link #requireSamples}: before any
 *       work), else after the pass that found no sample ({@link #requireSamplesRead}). Nothing is computed from no
 *       samples, and no empty result is written.
 *   <li>{@code NAME:N}, the first N samples of a dataset, needs 1 &lt;= N &lt;= its size ({@link #firstSamples}):
 *       N beyond the size is refused naming the set, N and the size, never silently cut to the size.
 * </ul>
 *
 * Each refusal is a {@link DatasetException} of kind {@code INVALID_INPUT} (exit code 3 on the command line).
 */
public final class DatasetRules {
    private DatasetRules() {}

    /**
     * Refuses a source that says it has no samples ({@link DataSource#size()} 0); a source of unknown size (-1)
     * passes here and is checked by {@link #requireSamplesRead} after its pass.
     *
     * @return the source
     * @throws DatasetException when the source has no samples
     */
    public static <S extends DataSource> S requireSamples(S source) {
        if (source.size() == 0) {
            throw empty(source.name());
        }
        return source;
    }

    /**
     * Refuses a pass over a dataset that read no sample.
     *
     * @param samples the samples the pass read
     * @throws DatasetException when {@code samples} is 0
     */
    public static void requireSamplesRead(String dataset, long samples) {
        if (samples == 0) {
            throw empty(dataset);
        }
    }

    private static DatasetException empty(String dataset) {
        return new DatasetException("dataset " + dataset + " has no samples; every command needs at least one: check"
                + " that its files hold rows (an image folder: images)");
    }

    /**
     * The first {@code n} samples of a dataset, named {@code NAME:n} (the syntax of the command line).
     *
     * @throws DatasetException when n is not positive or exceeds the dataset's size (naming the set, n and the size)
     */
    public static InMemoryDataset firstSamples(InMemoryDataset data, long n) {
        if (n < 1) {
            throw new DatasetException(data.name() + ":" + n + " asks for " + n
                    + " samples; give a positive count, e.g. " + data.name() + ":1000");
        }
        if (n > data.size()) {
            throw new DatasetException(data.name() + ":" + n + " asks for the first " + n + " samples but "
                    + data.name() + " has " + data.size() + "; give at most " + data.size() + ", or " + data.name()
                    + " for all of them");
        }
        return data.subset(0, (int) n).named(data.name() + ":" + n);
    }
}
