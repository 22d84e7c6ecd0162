package dev.onnxinspect.samples.cli;

import dev.onnxinspect.data.DatasetException;
import dev.onnxinspect.data.ImagePreprocessing;
import dev.onnxinspect.inspect.NonFinitePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How users' files feed a model's inputs, the same for every command that runs a model (inspect, audit, fit, score
 * and the HTTP service): the sample shapes, pad values, image preprocessing and the handling of non-finite
 * activations that apply to every dataset argument of the command (all sets of one model are read alike). The dataset arguments themselves are resolved by
 * {@link DataSpecs}, whose {@link DataSpecs#SYNTAX} gives their syntax.
 */
public final class DataOptions {
    @Option(
            names = "--sample-shape",
            paramLabel = "INPUT=D,D,...",
            description = "The shape of one sample of an input, without the batch dimension, e.g."
                    + " pixel_values=3,224,224: rows of a table, an .npy or a built-in/Arrow image dataset are"
                    + " reshaped to it (as many values per row); an image folder without --resize/--crop is resized"
                    + " to it. Needed where the model leaves dimensions free (e.g. [N, 3, H, W]) and the data is"
                    + " flat. Repeatable.")
    List<String> sampleShapes = new ArrayList<>();

    @Option(
            names = "--pad",
            paramLabel = "INPUT=VALUE",
            description = "The value that pads an input's variable-length rows (token lists) to the longest row of"
                    + " their batch (default 0, e.g. the tokenizer's pad id). Repeatable.")
    List<String> pads = new ArrayList<>();

    @Option(
            names = "--resize",
            paramLabel = "S|WxH",
            description = "Image folders: resize the shorter side to S pixels (aspect kept), or to exactly W x H"
                    + " (PIL's bilinear filter, antialiased when shrinking).")
    String resize;

    @Option(
            names = "--crop",
            paramLabel = "S|WxH",
            description = "Image folders: centre crop S x S or W x H after the resize.")
    String crop;

    @Option(
            names = "--scale",
            paramLabel = "F",
            description = "Image folders: factor applied to the 0..255 values before mean and std (default 1/255).")
    Float scale;

    @Option(
            names = "--mean",
            split = ",",
            paramLabel = "M",
            description = "Image folders: subtracted per channel after scaling, one value or one per channel"
                    + " (e.g. 0.485,0.456,0.406; default 0).")
    List<Float> mean = new ArrayList<>();

    @Option(
            names = "--std",
            split = ",",
            paramLabel = "S",
            description = "Image folders: divides per channel after the mean, one value or one per channel"
                    + " (e.g. 0.229,0.224,0.225; default 1).")
    List<Float> std = new ArrayList<>();

    @Option(
            names = "--layout",
            paramLabel = "nchw|nhwc",
            description = "Image folders: channels first [C, H, W] or last [H, W, C] (default: nhwc when only the"
                    + " model's last dimension holds 1 or 3 channels, else nchw).")
    String layout;

    @Option(
            names = "--channels",
            paramLabel = "rgb|bgr|gray",
            description = "Image folders: channel order, or one gray channel (default: gray for a model of one"
                    + " channel, else rgb).")
    String channels;

    @Option(
            names = "--non-finite",
            paramLabel = "fail|skip",
            defaultValue = "fail",
            description = "A sample whose inspected layers, logits or features hold NaN or an infinity: fail (the"
                    + " default: the detectors refuse it, the layer statistics leave it out of that layer) or skip"
                    + " (left out of every statistic, detector and threshold, counted per dataset in the summary and"
                    + " the run parameters).")
    String nonFinite = "fail";

    /** The declared non-finite policy. */
    NonFinitePolicy nonFinite() {
        return parse(NonFinitePolicy.class, nonFinite, "--non-finite", "fail or skip");
    }

    /** The declared sample shapes, by input name. */
    Map<String, long[]> sampleShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String entry : sampleShapes) {
            String[] kv = keyValue(entry, "--sample-shape", "pixel_values=3,224,224");
            String[] parts = kv[1].split(",");
            long[] shape = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    shape[i] = Long.parseLong(parts[i].trim());
                } catch (NumberFormatException e) {
                    shape[i] = 0;
                }
                if (shape[i] <= 0) {
                    throw new DatasetException("--sample-shape " + entry + ": '" + parts[i] + "' is not a positive"
                            + " dimension; give INPUT=D,D,... with positive sizes, e.g. pixel_values=3,224,224");
                }
            }
            out.put(kv[0], shape);
        }
        return out;
    }

    /** The declared pad values, by input name. */
    Map<String, Double> pads() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String entry : pads) {
            String[] kv = keyValue(entry, "--pad", "input_ids=0");
            try {
                out.put(kv[0], Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        "--pad " + entry + ": '" + kv[1] + "' is not a number; give INPUT=VALUE," + " e.g. input_ids=0",
                        e);
            }
        }
        return out;
    }

    /** Whether a resize or a crop is declared (else an image folder's images keep their size). */
    boolean resizesImages() {
        return resize != null || crop != null;
    }

    /**
     * The image preprocessing the options declare, from {@link ImagePreprocessing#builder()}'s defaults.
     *
     * @param sampleShape      a declared sample shape of the input ([C, H, W] or [H, W, C] by the layout) that gives
     *                         an exact resize when neither --resize nor --crop is declared; or null
     * @param modelSampleShape the model input's sample shape (-1 where free), or null: without --channels and
     *                         --layout, a model of one channel reads gray images, and one whose last dimension alone
     *                         holds 1 or 3 channels takes NHWC
     */
    ImagePreprocessing preprocessing(String input, long[] sampleShape, long[] modelSampleShape) {
        ImagePreprocessing.Builder b = ImagePreprocessing.builder();
        ImagePreprocessing.Layout l = layout != null
                ? parse(ImagePreprocessing.Layout.class, layout, "--layout", "nchw or nhwc")
                : modelSampleShape != null
                                && modelSampleShape.length == 3
                                && !isChannels(modelSampleShape[0])
                                && isChannels(modelSampleShape[2])
                        ? ImagePreprocessing.Layout.NHWC
                        : ImagePreprocessing.Layout.NCHW;
        long modelChannels = modelSampleShape == null || modelSampleShape.length != 3
                ? -1
                : l == ImagePreprocessing.Layout.NCHW ? modelSampleShape[0] : modelSampleShape[2];
        ImagePreprocessing.Channels c = channels != null
                ? parse(ImagePreprocessing.Channels.class, channels, "--channels", "rgb, bgr or gray")
                : modelChannels == 1 ? ImagePreprocessing.Channels.GRAY : ImagePreprocessing.Channels.RGB;
        b.layout(l).channels(c);
        if (resize != null) {
            int[] size = size(resize, "--resize");
            if (size.length == 1) {
                b.resizeShorterSide(size[0]);
            } else {
                b.resize(size[0], size[1]);
            }
        }
        if (crop != null) {
            int[] size = size(crop, "--crop");
            b.centerCrop(size[0], size.length == 1 ? size[0] : size[1]);
        }
        if (!resizesImages() && sampleShape != null) {
            if (sampleShape.length != 3) {
                throw new DatasetException("--sample-shape " + input + "=" + text(sampleShape) + " has rank "
                        + sampleShape.length + " but images become [C, H, W] (nchw) or [H, W, C] (nhwc); give three"
                        + " dimensions, e.g. " + input + "=3,224,224");
            }
            long h = l == ImagePreprocessing.Layout.NCHW ? sampleShape[1] : sampleShape[0];
            long w = l == ImagePreprocessing.Layout.NCHW ? sampleShape[2] : sampleShape[1];
            b.resize(Math.toIntExact(w), Math.toIntExact(h));
        }
        if (scale != null) {
            b.scale(scale);
        }
        if (!mean.isEmpty()) {
            b.mean(floats(mean));
        }
        if (!std.isEmpty()) {
            b.std(floats(std));
        }
        return b.build();
    }

    private static boolean isChannels(long d) {
        return d == 1 || d == 3;
    }

    static String text(long[] shape) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return s.toString();
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String option, String choices) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DatasetException(option + " '" + value + "' is not known; give " + choices, e);
        }
    }

    /** "224" -> [224]; "320x240" -> [320, 240] (width, height). */
    private static int[] size(String value, String option) {
        String[] parts = value.toLowerCase(Locale.ROOT).split("x");
        try {
            int[] out = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
                if (out[i] <= 0) {
                    throw new NumberFormatException();
                }
            }
            if (out.length == 1 || out.length == 2) {
                return out;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DatasetException(
                option + " '" + value + "' is not a size; give S (pixels) or WxH, e.g. 256 or" + " 320x240");
    }

    private static String[] keyValue(String entry, String option, String example) {
        int eq = entry.indexOf('=');
        if (eq <= 0 || eq == entry.length() - 1) {
            throw new DatasetException(option + " '" + entry + "' needs INPUT=VALUE, e.g. " + option + " " + example);
        }
        return new String[] {
            entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()
        };
    }
}
