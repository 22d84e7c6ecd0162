package dev.onnxinspect.data.image;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ElementWriter;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.data.InputMapping;
import dev.onnxinspect.data.InputSpec;
import dev.onnxinspect.data.InputTensor;
import dev.onnxinspect.data.RowBlock;
import dev.onnxinspect.data.TableReader;
import dev.onnxinspect.onnx.ElementType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The images of an image folder, listed once when opened, decoded and preprocessed a block at a time. Holds file
 * names only; a pass holds the images of one block. Nothing to close but the passes' positions.
 */
final class ImageFolder implements TableReader {
    private final Path folder;
    private final String input;
    private final ElementType type;
    private final ImagePreprocessing preprocessing;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classes;
    private final int width;
    private final int height;

    ImageFolder(
            Path folder,
            String input,
            ElementType type,
            ImagePreprocessing preprocessing,
            List<Path> files,
            List<Integer> labels,
            List<String> classes) {
        this.folder = folder;
        this.input = input;
        this.type = type;
        this.preprocessing = preprocessing;
        this.files = List.copyOf(files);
        this.labels = labels == null
                ? null
                : labels.stream().mapToInt(Integer::intValue).toArray();
        this.classes = List.copyOf(classes);
        int[] first;
        try {
            first = preprocessing.fixesSize() ? new int[] {1, 1} : ImageDecoder.size(files.get(0));
        } catch (DatasetException e) {
            throw forInput(input, e);
        }
        if (first[0] <= 0 || first[1] <= 0) {
            // a damaged header: a refusal naming the image, not an invalid sample shape
            throw new DatasetException("image " + files.get(0) + " declares a size of " + first[0] + "x" + first[1]
                    + "; the file is damaged: remove it from the folder or save it again");
        }
        int[] size = preprocessing.outputSize(first[0], first[1]);
        this.width = size[0];
        this.height = size[1];
    }

    @Override
    public Path file() {
        return folder;
    }

    @Override
    public long rows() {
        return files.size();
    }

    /** The input, of the preprocessing's shape ([C, H, W] or [H, W, C]). */
    @Override
    public List<InputSpec> inputs() {
        return List.of(new InputSpec(input, type, preprocessing.sampleShape(width, height)));
    }

    @Override
    public boolean labelled() {
        return labels != null;
    }

    /** The class folder names in label order. */
    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public TableReader.Pass pass() {
        return new Pass();
    }

    @Override
    public void close() {
        // nothing held between passes
    }

    /**
     * One image preprocessed into {@code out} from index {@code at}: resize, crop, channels, scale, mean/std, layout.
     * Package-private for tests.
     */
    void preprocess(Path file, ImageDecoder.Planes image, ElementWriter out, int at) {
        int[] resized = preprocessing.resizedSize(image.width(), image.height());
        int[] size = preprocessing.outputSize(image.width(), image.height());
        if (size[0] != width || size[1] != height) {
            throw new DatasetException("image " + file + " is " + image.width() + "x" + image.height() + " and gives "
                    + size[0] + "x" + size[1] + " after the preprocessing (" + preprocessing.describe() + "), but"
                    + " the first image of " + folder + " gives " + width + "x" + height + "; declare a resize and a"
                    + " centre crop so that every image gets one size");
        }
        if (resized[0] < size[0] || resized[1] < size[1]) {
            throw new DatasetException("image " + file + " is " + resized[0] + "x" + resized[1] + " after the resize,"
                    + " smaller than the centre crop " + size[0] + "x" + size[1] + " (" + preprocessing.describe()
                    + "); resize the shorter side to at least the crop size first");
        }
        float[][] planes = {image.red(), image.green(), image.blue()};
        boolean gray = image.red() == image.green() && image.green() == image.blue();
        int planeCount = gray ? 1 : 3;
        float[][] cropped = new float[3][];
        int top = (int) Math.rint((resized[1] - size[1]) / 2.0);
        int left = (int) Math.rint((resized[0] - size[0]) / 2.0);
        for (int c = 0; c < planeCount; c++) {
            float[] plane = planes[c];
            if (resized[0] != image.width() || resized[1] != image.height()) {
                plane = Resampler.resize(plane, image.width(), image.height(), resized[0], resized[1]);
            }
            cropped[c] = crop(plane, resized[0], left, top, size[0], size[1]);
        }
        if (gray) {
            cropped[1] = cropped[0];
            cropped[2] = cropped[0];
        }
        int pixels = width * height;
        ImagePreprocessing.Channels channels = preprocessing.channels();
        int channelCount = channels.count();
        boolean nchw = preprocessing.layout() == ImagePreprocessing.Layout.NCHW;
        float scale = preprocessing.scale();
        for (int c = 0; c < channelCount; c++) {
            float[] source = switch (channels) {
                case RGB -> cropped[c];
                case BGR -> cropped[2 - c];
                case GRAY -> gray ? cropped[0] : luma(cropped);
            };
            double mean = preprocessing.mean(c);
            double std = preprocessing.std(c);
            for (int i = 0; i < pixels; i++) {
                double v = ((double) source[i] * scale - mean) / std;
                out.putDouble(at + (nchw ? c * pixels + i : i * channelCount + c), v);
            }
        }
    }

    private static float[] crop(float[] plane, int planeWidth, int left, int top, int w, int h) {
        if (left == 0 && top == 0 && w == planeWidth && plane.length == w * h) {
            return plane;
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(plane, (top + y) * planeWidth + left, out, y * w, w);
        }
        return out;
    }

    /** ITU-R BT.601 luma, as PIL's convert("L") but unrounded. */
    private static float[] luma(float[][] rgb) {
        float[] out = new float[rgb[0].length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (0.299 * rgb[0][i] + 0.587 * rgb[1][i] + 0.114 * rgb[2][i]);
        }
        return out;
    }

    private final class Pass implements TableReader.Pass {
        private int next;
        private boolean finished;

        @Override
        public RowBlock next(int maxRows) {
            if (finished || next >= files.size()) {
                finished = true;
                return null;
            }
            int n = Math.min(maxRows, files.size() - next);
            long[] sample = preprocessing.sampleShape(width, height);
            int sampleSize;
            int blockSize;
            try {
                sampleSize = Math.toIntExact(Arrays.stream(sample).reduce(1, Math::multiplyExact));
                blockSize = Math.multiplyExact(n, sampleSize);
            } catch (ArithmeticException e) {
                // a damaged or huge image header: a refusal naming the image, not an overflow
                throw new DatasetException("image " + files.get(0) + " is " + width + "x" + height + ", samples of "
                        + Arrays.toString(sample) + " values, too many to feed; check the file, or declare a resize"
                        + " and a centre crop");
            }
            int first = next;
            ElementWriter out;
            try {
                out = ElementWriter.create(type, blockSize, i -> "image " + files.get(first + i / sampleSize));
            } catch (OutOfMemoryError e) {
                // the one allocation of the batch failed (images within the pixel limit, but a batch of them too
                // large for this heap): nothing else holds it, so the run can end with a refusal
                throw new DatasetException(
                        "a batch of " + n + " images of " + width + "x" + height + " (" + blockSize + " values) does"
                                + " not fit this Java heap ("
                                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB);"
                                + " declare a resize and a centre crop, a smaller batch size, or run with a larger"
                                + " heap (-Xmx; for the onnx-inspect script, e.g. ONNX_INSPECT_JAVA_OPTS=-Xmx12g)",
                        e);
            }
            for (int r = 0; r < n; r++) {
                Path file = files.get(first + r);
                ImageDecoder.Planes image;
                try {
                    image = ImageDecoder.decode(file);
                } catch (DatasetException e) {
                    throw forInput(input, e);
                }
                preprocess(file, image, out, r * sampleSize);
            }
            next += n;
            long[] shape = new long[sample.length + 1];
            shape[0] = n;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            int[] blockLabels = labels == null ? null : Arrays.copyOfRange(labels, first, first + n);
            return new RowBlock(n, List.of(new InputTensor(input, type, shape, out.array())), blockLabels);
        }

        @Override
        public void close() {
            finished = true;
        }
    }

    /** An image that cannot be read or decoded, named with the input it feeds (the message names the file). */
    private static DatasetException forInput(String input, DatasetException e) {
        return new DatasetException(e.kind(), "input " + InputMapping.label(input) + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "ImageFolder[" + folder + ", " + files.size() + " images, " + InputMapping.label(input) + "]";
    }
}
