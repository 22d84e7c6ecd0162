package dev.onnxinspect.samples.cli;

import dev.onnxinspect.onnx.ClassifierTensors;
import dev.onnxinspect.onnx.Dim;
import dev.onnxinspect.onnx.ElementType;
import dev.onnxinspect.onnx.GraphQueryException;
import dev.onnxinspect.onnx.ModelDescription;
import dev.onnxinspect.onnx.OnnxModel;
import dev.onnxinspect.onnx.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Prints a model's inputs, outputs, nodes (layers) in topological order, initializers and opsets, then what each
 * input needs on the command line, the tensors the detectors would read and the sequence layers.
 */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "List an ONNX model's inputs, outputs and layers (nodes in topological order with op types,"
                + " inputs, outputs and attributes), initializers, opset imports and producer; then how to feed each"
                + " input from the command line, the logits, features and dense head the OOD detectors would read,"
                + " and the sequence layers ([N, T, d]).")
final class DescribeCommand implements Callable<Integer> {
    /** The metadata entry in which the project's exporters list the layers with a sequence axis. */
    static final String SEQUENCE_LAYERS = "onnx_inspect.sequence_layers";

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    Path model;

    @Override
    public Integer call() throws Exception {
        OnnxModel m = OnnxModel.load(model);
        ModelDescription d = m.describe();
        System.out.println(d.format());
        System.out.print(usage(m, d));
        return ExitCodes.OK;
    }

    /** The sections after the description: inputs and how to feed them, detector tensors, sequence layers. */
    static String usage(OnnxModel m, ModelDescription d) {
        StringBuilder s = new StringBuilder(
                "how to feed the inputs (dataset arguments of inspect, audit, fit," + " score, serve):\n");
        int width = d.inputs().stream().mapToInt(v -> v.name().length()).max().orElse(0);
        for (ValueInfo v : d.inputs()) {
            s.append(String.format(
                    Locale.ROOT,
                    "  %-" + width + "s  %s %s — %s%n",
                    v.name(),
                    v.elementType().name().toLowerCase(Locale.ROOT),
                    v.shape(),
                    howToFeed(v, d.inputs())));
        }
        s.append("tensors the OOD detectors read (--logits, --features, --head name others):\n");
        try {
            ClassifierTensors t = m.classifierTensors(null, null, null);
            s.append("  logits    ").append(t.logits()).append('\n');
            s.append("  features  ")
                    .append(t.features() == null ? "none (the detectors that need h are skipped)" : t.features())
                    .append('\n');
            s.append("  head      ")
                    .append(
                            t.head() == null
                                    ? "none: " + t.headMissing() + " (the detectors that" + " need W, b are skipped)"
                                    : t.head().outputName() + " (W " + t.head().outFeatures() + " x "
                                            + t.head().inFeatures() + ")")
                    .append('\n');
        } catch (GraphQueryException e) {
            s.append("  none found: ")
                    .append(e.getMessage())
                    .append(" (name them with --logits, --features, --head)\n");
        }
        List<String> sequence = sequenceLayers(d);
        s.append("sequence layers ([N, T, d]: a value per position, pooled over the positions of the mask): ")
                .append(sequence.isEmpty() ? "none" : String.join(", ", sequence))
                .append('\n');
        return s.toString();
    }

    /** In words: what the input is and the dataset argument (and options) that feed it. */
    static String howToFeed(ValueInfo v, List<ValueInfo> inputs) {
        String name = v.name();
        List<Dim> dims = v.shape().rankKnown() ? v.shape().dims() : List.of();
        int rank = dims.size();
        boolean free = rank > 1 && dims.subList(1, rank).stream().anyMatch(dim -> !(dim instanceof Dim.Fixed));
        ElementType type = v.elementType();
        boolean integer = type == ElementType.INT64
                || type == ElementType.INT32
                || type == ElementType.INT16
                || type == ElementType.INT8
                || type == ElementType.UINT8
                || type == ElementType.BOOL;
        if (integer && rank == 2 && name.toLowerCase(Locale.ROOT).contains("mask")) {
            String of = inputs.stream()
                    .filter(o -> !o.name().equals(name)
                            && o.shape().equals(v.shape())
                            && !o.name().toLowerCase(Locale.ROOT).contains("mask"))
                    .map(ValueInfo::name)
                    .findFirst()
                    .orElse("INPUT");
            return "a padding mask: " + name + "=mask-of:" + of + " (1 = token, 0 = padding), or " + name
                    + "=FILE:COLUMN";
        }
        if (integer && rank == 2) {
            return "token ids: " + name + "=FILE:COLUMN (a list column of a .parquet/.arrow file, padded per batch"
                    + (free ? "" : " to " + dims.get(1)) + "; --pad " + name + "=ID), or " + name + "=FILE.npz:ARRAY";
        }
        boolean floating = type == ElementType.FLOAT || type == ElementType.DOUBLE || type == ElementType.FLOAT16;
        if (floating && rank == 4 && (isChannels(dims.get(1)) || isChannels(dims.get(3)))) {
            boolean nhwc = !isChannels(dims.get(1));
            Dim channels = nhwc ? dims.get(3) : dims.get(1);
            String image = "an image: " + name + "=DIR/ (PNG/JPEG, a class per subfolder"
                    + (((Dim.Fixed) channels).size() == 1 ? ", read as gray" : ", RGB or --channels bgr")
                    + (nhwc ? ", --layout nhwc" : "") + ")";
            Dim h = nhwc ? dims.get(1) : dims.get(2);
            Dim w = nhwc ? dims.get(2) : dims.get(3);
            return free
                    ? image + " of one size, or --resize/--crop, or --sample-shape " + name + "=" + sampleText(dims)
                    : image + " of " + w + "x" + h + " pixels or --resize/--crop to them; or " + name + "=FILE:COLUMN ("
                            + values(dims) + " values per row)";
        }
        if (floating && rank == 2 && !free) {
            return "a vector of " + dims.get(1) + " values: " + name + "=FILE:COLUMN (a list column, COL1+COL2+..."
                    + " number columns, an .npz array) or " + name + "=FILE.npy"
                    + (((Dim.Fixed) dims.get(1)).size() == 784 ? ", or a built-in dataset (fashion-mnist-test)" : "");
        }
        if (rank > 1 && !free) {
            return "a tensor of " + dims.subList(1, rank) + " per sample: " + name + "=FILE:COLUMN or " + name
                    + "=FILE.npy (" + values(dims) + " values per row, reshaped)";
        }
        return "values per sample: " + name + "=FILE:COLUMN or " + name + "=FILE.npy"
                + (free ? ", with --sample-shape " + name + "=" + sampleText(dims) + " for flat rows" : "");
    }

    private static boolean isChannels(Dim d) {
        return d instanceof Dim.Fixed f && (f.size() == 1 || f.size() == 3);
    }

    private static String sampleText(List<Dim> dims) {
        List<String> out = new ArrayList<>();
        dims.subList(1, dims.size()).forEach(d -> out.add(d.toString()));
        return String.join(",", out);
    }

    private static long values(List<Dim> dims) {
        long n = 1;
        for (Dim d : dims.subList(1, dims.size())) {
            n *= d instanceof Dim.Fixed f ? f.size() : 1;
        }
        return n;
    }

    /**
     * The layers with a sequence axis: those the model's metadata lists ({@value #SEQUENCE_LAYERS}, written by this
     * project's exporters), else the graph outputs [N, T, d] whose second dimension is a free dimension of an input.
     */
    static List<String> sequenceLayers(ModelDescription d) {
        String listed = d.metadata().get(SEQUENCE_LAYERS);
        if (listed != null && !listed.isBlank()) {
            return List.of(listed.split(","));
        }
        Set<String> inputDims = new HashSet<>();
        for (ValueInfo in : d.inputs()) {
            if (in.shape().rankKnown()) {
                in.shape().dims().stream()
                        .skip(1)
                        .filter(Dim.Symbolic.class::isInstance)
                        .forEach(dim -> inputDims.add(dim.toString()));
            }
        }
        List<String> out = new ArrayList<>();
        for (ValueInfo o : d.outputs()) {
            if (o.shape().rankKnown()
                    && o.shape().rank() == 3
                    && o.shape().dims().get(1) instanceof Dim.Symbolic t
                    && inputDims.contains(t.toString())) {
                out.add(o.name());
            }
        }
        return out;
    }
}
