package dev.onnxinspect.samples.examples;

import dev.onnxinspect.data.Datasets;
import dev.onnxinspect.data.InMemoryDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes the first N images of a built-in dataset as 8-bit gray PNG files in an image folder, a subfolder per class
 * named by its label ({@code 0/ .. 9/}, which sort in label order; unlabelled data in {@code all/}): the form in which
 * users bring images, for {@code scripts/sample-image-audit.sh}. Pixels in [0, 1] are written as round(255 x), which
 * gives back the original bytes of Fashion-MNIST and MNIST.
 *
 * <p>Run as a program: {@code ImageFolderFiles DATASET[:N] DIR}, e.g. {@code fashion-mnist-test:2000 out/test}.
 */
public final class ImageFolderFiles {
    private ImageFolderFiles() {}

    /** Writes every image of {@code data} (samples of 28 x 28 = 784 values) and returns how many. */
    public static int write(InMemoryDataset data, Path dir) throws IOException {
        int side = (int) Math.round(Math.sqrt(data.sampleSize()));
        if (side * side != data.sampleSize()) {
            throw new IOException("dataset " + data.name() + " has samples of " + data.sampleSize() + " values, not a"
                    + " square gray image");
        }
        for (int i = 0; i < data.size(); i++) {
            float[] pixels = data.sample(i);
            BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int v = Math.max(0, Math.min(255, Math.round(pixels[y * side + x] * 255)));
                    image.getRaster().setSample(x, y, 0, v);
                }
            }
            Path folder = dir.resolve(data.labelled() ? Integer.toString(data.label(i)) : "all");
            Files.createDirectories(folder);
            ImageIO.write(
                    image,
                    "png",
                    folder.resolve(String.format(Locale.ROOT, "%06d.png", i)).toFile());
        }
        return (int) data.size();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ImageFolderFiles DATASET[:N] DIR");
            System.exit(2);
        }
        String spec = args[0];
        InMemoryDataset data = Datasets.loadSpec(spec);
        System.out.println("wrote " + write(data, Path.of(args[1])) + " PNG files of " + spec + " to " + args[1]);
    }
}
