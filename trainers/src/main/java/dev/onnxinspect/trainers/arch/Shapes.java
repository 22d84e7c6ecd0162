package dev.onnxinspect.trainers.arch;

import dev.onnxinspect.trainers.TrainingException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Per-sample shape inference over layer specs (no batch axis). */
public final class Shapes {
    private Shapes() {}

    /** The per-sample output shape of running {@code layers} on an input of shape {@code input}. */
    public static int[] outputShape(List<LayerSpec> layers, int[] input) {
        int[] shape = input.clone();
        for (LayerSpec layer : layers) {
            shape = outputShape(layer, shape);
        }
        return shape;
    }

    /** The per-sample output shape of one layer; throws when the input shape does not fit the layer. */
    public static int[] outputShape(LayerSpec layer, int[] in) {
        if (layer instanceof LayerSpec.Dense d) {
            expect(layer, in.length == 1 && in[0] == d.inFeatures(), "[" + d.inFeatures() + "]", in);
            return new int[] {d.outFeatures()};
        } else if (layer instanceof LayerSpec.Conv2d c) {
            expect(layer, in.length == 3 && in[0] == c.inChannels(), "[" + c.inChannels() + ", H, W]", in);
            return new int[] {
                c.outChannels(),
                convolved(layer, in[1], c.kernel(), c.stride(), c.padding()),
                convolved(layer, in[2], c.kernel(), c.stride(), c.padding())
            };
        } else if (layer instanceof LayerSpec.BatchNorm b) {
            expect(layer, in.length >= 1 && in[0] == b.channels(), "[" + b.channels() + ", ...]", in);
            return in.clone();
        } else if (layer instanceof LayerSpec.MaxPool p) {
            expect(layer, in.length == 3, "[C, H, W]", in);
            return new int[] {
                in[0],
                convolved(layer, in[1], p.kernel(), p.stride(), 0),
                convolved(layer, in[2], p.kernel(), p.stride(), 0)
            };
        } else if (layer instanceof LayerSpec.GlobalAvgPool) {
            expect(layer, in.length == 3, "[C, H, W]", in);
            return new int[] {in[0]};
        } else if (layer instanceof LayerSpec.Flatten) {
            return new int[] {Arrays.stream(in).reduce(1, Math::multiplyExact)};
        } else if (layer instanceof LayerSpec.Residual r) {
            int[] body = outputShape(r.body(), in);
            int[] shortcut = outputShape(r.shortcut(), in);
            if (!Arrays.equals(body, shortcut)) {
                throw new TrainingException("residual block " + r.name() + ": body gives " + text(body)
                        + " but the shortcut gives " + text(shortcut) + "; they must match to be added");
            }
            return body;
        } else {
            return in.clone(); // Nonlinearity, Dropout
        }
    }

    /** The number of elements of a shape. */
    public static int size(int[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** "[a, b, c]". */
    public static String text(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static int convolved(LayerSpec layer, int size, int kernel, int stride, int padding) {
        int out = (size + 2 * padding - kernel) / stride + 1;
        if (size + 2 * padding < kernel) {
            throw new TrainingException("layer " + layer.name() + ": input size " + size + " (padding " + padding
                    + ") is smaller than the kernel " + kernel + "; use a larger input or fewer pooling layers");
        }
        return out;
    }

    private static void expect(LayerSpec layer, boolean ok, String expected, int[] in) {
        if (!ok) {
            throw new TrainingException("layer " + layer.name() + ": expected an input of shape " + expected
                    + " per sample, got " + text(in));
        }
    }
}
