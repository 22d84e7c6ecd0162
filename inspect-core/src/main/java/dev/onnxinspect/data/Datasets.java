package dev.onnxinspect.data;

import java.util.List;

/**
 * The project's datasets by name, for command lines and configuration files: {@code fashion-mnist-train},
 * {@code fashion-mnist-test} ({@link FashionMnist}) and {@code mnist-digits} ({@link MnistDigits}), each read from
 * a {@link DatasetCache} and verified against its recorded SHA-256. Every sample has shape {@code [784]}.
 */
public final class Datasets {
    /** Every name {@link #load} accepts. */
    public static final List<String> NAMES = List.of("fashion-mnist-train", "fashion-mnist-test", "mnist-digits");

    private Datasets() {}

    /**
     * A dataset argument of the command line, {@code NAME} or {@code NAME:N} (its first N samples), from the
     * standard cache.
     *
     * @throws DatasetException for an unknown name, a count that is not a number, or N outside [1, size] (see
     *                          {@link DatasetRules#firstSamples})
     */
    public static InMemoryDataset loadSpec(String spec) {
        return loadSpec(spec, DatasetCache.standard());
    }

    /** As {@link #loadSpec(String)}, from the given cache. */
    public static InMemoryDataset loadSpec(String spec, DatasetCache cache) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) {
            return load(spec, cache);
        }
        String name = spec.substring(0, colon);
        long n;
        try {
            n = Long.parseLong(spec.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new DatasetException(
                    "bad dataset spec '" + spec + "': after ':' comes a sample count, e.g. " + name + ":1000", e);
        }
        if (!NAMES.contains(name)) {
            throw new DatasetException("unknown dataset '" + name + "' in '" + spec + "', expected one of " + NAMES);
        }
        return DatasetRules.firstSamples(load(name, cache), n);
    }

    /** The named dataset from the standard cache. */
    public static InMemoryDataset load(String name) {
        return load(name, DatasetCache.standard());
    }

    /**
     * The named dataset from the given cache.
     *
     * @throws DatasetException for an unknown name (the message lists the known ones), or a missing or corrupt file
     */
    public static InMemoryDataset load(String name, DatasetCache cache) {
        return switch (name) {
            case "fashion-mnist-train" -> FashionMnist.train(cache);
            case "fashion-mnist-test" -> FashionMnist.test(cache);
            case "mnist-digits" -> MnistDigits.load(cache);
            default -> throw new DatasetException("unknown dataset '" + name + "', expected one of " + NAMES);
        };
    }
}
