package dev.onnxinspect.data;

import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017) from the dataset cache: 60,000 training and 10,000 test images of 28 x 28
 * grey-scale pixels in [0, 1], labels 0-9 (see {@link #CLASS_NAMES}), in file order.
 *
 * <p>Choice: samples are flat, sample shape {@code [784]}, as a dense network takes them; use
 * {@code reshaped(1, 28, 28)} for a convolutional one. Files are verified against their recorded SHA-256 first.
 */
public final class FashionMnist {
    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {}

    /** The training split from the standard cache, named {@code fashion-mnist-train}. */
    public static InMemoryDataset train() {
        return train(DatasetCache.standard());
    }

    /** The test split from the standard cache, named {@code fashion-mnist-test}. */
    public static InMemoryDataset test() {
        return test(DatasetCache.standard());
    }

    public static InMemoryDataset train(DatasetCache cache) {
        return load(cache, "fashion-mnist-train", "train");
    }

    public static InMemoryDataset test(DatasetCache cache) {
        return load(cache, "fashion-mnist-test", "t10k");
    }

    private static InMemoryDataset load(DatasetCache cache, String name, String prefix) {
        return IdxReader.read(
                        name,
                        cache.verifiedFile("fashion-mnist/" + prefix + "-images-idx3-ubyte.gz"),
                        cache.verifiedFile("fashion-mnist/" + prefix + "-labels-idx1-ubyte.gz"))
                .reshaped(784);
    }
}
