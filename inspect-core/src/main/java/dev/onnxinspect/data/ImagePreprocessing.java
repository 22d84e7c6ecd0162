package dev.onnxinspect.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * How the images of an image folder become a model's float32 input, in this order:
 * <ol>
 * <li>decode (PNG, JPEG) to red, green and blue values in 0..255 (gray images: the gray value in all three; alpha is
 *     dropped; 16-bit samples are scaled to 0..255 as {@code v * 255 / 65535});</li>
 * <li>resize, if declared: the shorter side to S (the longer to {@code floor(S * longer / shorter)}, as torchvision's
 *     {@code Resize(S)}), or to exactly W x H. Choice: PIL's bilinear filter: a triangle filter over source pixel
 *     centres, {@code w(d) = max(0, 1 - |d| / f)} with the distance d in source pixels and {@code f = max(1,
 *     source size / target size)}, weights normalised to sum 1 over the pixels inside the image. When enlarging this
 *     is plain bilinear interpolation with half-pixel centres (OpenCV's INTER_LINEAR, PyTorch's
 *     {@code align_corners=False}); when shrinking it averages all the pixels the output pixel covers
 *     (antialiasing, as PIL and torchvision's {@code antialias=True}). Computed in float on the 0..255 values,
 *     without rounding to integers between the passes (PIL rounds to 8 bits);</li>
 * <li>centre crop, if declared, to W x H: the offsets {@code round((height - H) / 2)} and
 *     {@code round((width - W) / 2)} with ties to even (torchvision's CenterCrop); a crop larger than the image is
 *     an error;</li>
 * <li>channels: RGB, BGR, or GRAY (one channel, {@code 0.299 R + 0.587 G + 0.114 B}, ITU-R BT.601 as PIL's
 *     {@code convert("L")}, unrounded);</li>
 * <li>per channel c: {@code (value * scale - mean[c]) / std[c]}, mean and std in the output's channel order (one
 *     value applies to every channel);</li>
 * <li>layout: NCHW (a sample is {@code [C, H, W]}) or NHWC ({@code [H, W, C]}).</li>
 * </ol>
 * Without a resize and a crop all images must have one size. Defaults: no resize, no crop, scale 1/255, mean 0,
 * std 1, RGB, NCHW. {@link #imagenet()} is the usual ImageNet evaluation transform.
 *
 * @param resize       NONE, SHORTER_SIDE or EXACT
 * @param resizeWidth  the target width of an EXACT resize, or the shorter side's length of SHORTER_SIDE; 0 for NONE
 * @param resizeHeight the target height of an EXACT resize; 0 otherwise
 * @param cropWidth    the centre crop's width, or 0 for no crop
 * @param cropHeight   the centre crop's height, or 0 for no crop
 * @param scale        the factor applied to the 0..255 values before mean and std
 * @param mean         subtracted per output channel (1 value, or one per channel)
 * @param std          divides per output channel (1 value, or one per channel), each &gt; 0
 * @param channels     RGB, BGR or GRAY
 * @param layout       NCHW or NHWC
 */
public record ImagePreprocessing(
        Resize resize,
        int resizeWidth,
        int resizeHeight,
        int cropWidth,
        int cropHeight,
        float scale,
        float[] mean,
        float[] std,
        Channels channels,
        Layout layout) {
    /** How images are resized. */
    public enum Resize {
        NONE,
        SHORTER_SIDE,
        EXACT
    }

    /** The channels of the output, in order. */
    public enum Channels {
        RGB(3),
        BGR(3),
        GRAY(1);

        private final int count;

        Channels(int count) {
            this.count = count;
        }

        /** The number of channels. */
        public int count() {
            return count;
        }
    }

    /** The layout of one sample: channels first ([C, H, W]) or last ([H, W, C]). */
    public enum Layout {
        NCHW,
        NHWC
    }

    public ImagePreprocessing {
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(layout, "layout");
        mean = mean.clone();
        std = std.clone();
        switch (resize) {
            case NONE -> require(resizeWidth == 0 && resizeHeight == 0, "no resize takes no size");
            case SHORTER_SIDE ->
                require(resizeWidth > 0 && resizeHeight == 0, "resizing the shorter side needs one positive length");
            case EXACT ->
                require(resizeWidth > 0 && resizeHeight > 0, "an exact resize needs a positive width and" + " height");
            default -> throw new IllegalStateException();
        }
        require(
                cropWidth >= 0 && cropHeight >= 0 && (cropWidth == 0) == (cropHeight == 0),
                "a centre crop needs a positive width and height (or neither)");
        require(Float.isFinite(scale) && scale != 0, "scale must be finite and non-zero, got " + scale);
        require(
                mean.length == 1 || mean.length == channels.count(),
                "mean needs 1 or " + channels.count() + " values for " + channels + ", got " + mean.length);
        require(
                std.length == 1 || std.length == channels.count(),
                "std needs 1 or " + channels.count() + " values for " + channels + ", got " + std.length);
        for (float s : std) {
            require(s > 0 && Float.isFinite(s), "std values must be positive, got " + Arrays.toString(std));
        }
        for (float m : mean) {
            require(Float.isFinite(m), "mean values must be finite, got " + Arrays.toString(mean));
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new DatasetException("image preprocessing: " + message);
        }
    }

    /** A builder with the defaults: no resize, no crop, scale 1/255, mean 0, std 1, RGB, NCHW. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The usual ImageNet evaluation transform: shorter side to 256, centre crop 224 x 224, scale 1/255, mean
     * (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225), RGB, NCHW: a sample is {@code [3, 224, 224]}.
     */
    public static ImagePreprocessing imagenet() {
        return builder()
                .resizeShorterSide(256)
                .centerCrop(224, 224)
                .mean(0.485f, 0.456f, 0.406f)
                .std(0.229f, 0.224f, 0.225f)
                .build();
    }

    /** The mean of output channel {@code c}. */
    public float mean(int c) {
        return mean.length == 1 ? mean[0] : mean[c];
    }

    /** The standard deviation of output channel {@code c}. */
    public float std(int c) {
        return std.length == 1 ? std[0] : std[c];
    }

    /** The size (width, height) an image of {@code width x height} has after the resize. */
    public int[] resizedSize(int width, int height) {
        return switch (resize) {
            case NONE -> new int[] {width, height};
            case EXACT -> new int[] {resizeWidth, resizeHeight};
            case SHORTER_SIDE ->
                width <= height
                        ? new int[] {resizeWidth, (int) ((long) resizeWidth * height / width)}
                        : new int[] {(int) ((long) resizeWidth * width / height), resizeWidth};
        };
    }

    /** The size (width, height) of the output for an image of {@code width x height}. */
    public int[] outputSize(int width, int height) {
        return cropWidth > 0 ? new int[] {cropWidth, cropHeight} : resizedSize(width, height);
    }

    /** Whether every image gives the same output size whatever its own size. */
    public boolean fixesSize() {
        return cropWidth > 0 || resize == Resize.EXACT;
    }

    /** The per-sample shape for an output of {@code width x height}: [C, H, W] (NCHW) or [H, W, C] (NHWC). */
    public long[] sampleShape(int width, int height) {
        int c = channels.count();
        return layout == Layout.NCHW ? new long[] {c, height, width} : new long[] {height, width, c};
    }

    /** In words, for messages: e.g. "resize shorter side to 256, centre crop 224x224, RGB, NCHW". */
    public String describe() {
        StringBuilder s = new StringBuilder();
        switch (resize) {
            case SHORTER_SIDE ->
                s.append("resize shorter side to ").append(resizeWidth).append(", ");
            case EXACT ->
                s.append("resize to ")
                        .append(resizeWidth)
                        .append('x')
                        .append(resizeHeight)
                        .append(", ");
            default -> s.append("no resize, ");
        }
        s.append(cropWidth > 0 ? "centre crop " + cropWidth + "x" + cropHeight : "no crop");
        return s.append(", scale ")
                .append(scale)
                .append(", mean ")
                .append(Arrays.toString(mean))
                .append(", std ")
                .append(Arrays.toString(std))
                .append(", ")
                .append(channels)
                .append(", ")
                .append(layout)
                .toString();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p
                && resize == p.resize
                && resizeWidth == p.resizeWidth
                && resizeHeight == p.resizeHeight
                && cropWidth == p.cropWidth
                && cropHeight == p.cropHeight
                && Float.compare(scale, p.scale) == 0
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std)
                && channels == p.channels
                && layout == p.layout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                resize,
                resizeWidth,
                resizeHeight,
                cropWidth,
                cropHeight,
                scale,
                Arrays.hashCode(mean),
                Arrays.hashCode(std),
                channels,
                layout);
    }

    @Override
    public String toString() {
        return "ImagePreprocessing[" + describe() + "]";
    }

    /** Builds an {@link ImagePreprocessing}; {@link #build()} validates. */
    public static final class Builder {
        private Resize resize = Resize.NONE;
        private int resizeWidth;
        private int resizeHeight;
        private int cropWidth;
        private int cropHeight;
        private float scale = 1f / 255f;
        private float[] mean = {0f};
        private float[] std = {1f};
        private Channels channels = Channels.RGB;
        private Layout layout = Layout.NCHW;

        private Builder() {}

        /** Resize the shorter side to {@code length} pixels, keeping the aspect ratio. */
        public Builder resizeShorterSide(int length) {
            resize = Resize.SHORTER_SIDE;
            resizeWidth = length;
            resizeHeight = 0;
            return this;
        }

        /** Resize to exactly {@code width x height} pixels. */
        public Builder resize(int width, int height) {
            resize = Resize.EXACT;
            resizeWidth = width;
            resizeHeight = height;
            return this;
        }

        /** Cut the centre {@code width x height} pixels out of the (resized) image. */
        public Builder centerCrop(int width, int height) {
            cropWidth = width;
            cropHeight = height;
            return this;
        }

        /** The factor applied to the 0..255 values (default 1/255). */
        public Builder scale(float scale) {
            this.scale = scale;
            return this;
        }

        /** Subtracted per output channel after scaling (one value for all, or one per channel). */
        public Builder mean(float... mean) {
            this.mean = mean.clone();
            return this;
        }

        /** Divides per output channel after the mean (one value for all, or one per channel). */
        public Builder std(float... std) {
            this.std = std.clone();
            return this;
        }

        /** RGB (default), BGR or GRAY. */
        public Builder channels(Channels channels) {
            this.channels = channels;
            return this;
        }

        /** NCHW (default) or NHWC. */
        public Builder layout(Layout layout) {
            this.layout = layout;
            return this;
        }

        public ImagePreprocessing build() {
            return new ImagePreprocessing(
                    resize, resizeWidth, resizeHeight, cropWidth, cropHeight, scale, mean, std, channels, layout);
        }
    }
}
