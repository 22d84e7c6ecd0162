package dev.onnxinspect.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chooses the logits, the features and the dense head of a classifier ({@link OnnxModel#classifierTensors}).
 *
 * <p>The head: a named head (a tensor or the node producing it) must be a dense layer (see {@link DenseLayerFinder})
 * reading the named features, if any, directly or through reshapes; a mismatch is refused. Without a named head it is
 * found by walking back from the named logits, else from each graph output in order (the first that reaches a dense
 * layer wins); with named features it must read them (through reshapes), else the detectors that need W, b are left
 * out with the reason while the features still serve the others. A head that reads a graph input directly leaves no
 * hidden features: no head, no features.
 *
 * <p>The logits: a named tensor wins; else the output of the dense head; else the only graph output that can hold
 * logits (a floating-point tensor of rank 2, or rank 1 for a binary classifier, or undeclared shape); else refused in
 * one line listing the candidates and naming the option that chooses.
 *
 * <p>The features: the named tensor (it must be computed by a node), else the head's input.
 */
final class ClassifierTensorsFinder {
    private static final Set<ElementType> FLOATING = Set.of(
            ElementType.FLOAT, ElementType.DOUBLE, ElementType.FLOAT16, ElementType.BFLOAT16, ElementType.UNDEFINED);

    private final OnnxModel model;
    private final DenseLayerFinder finder;

    ClassifierTensorsFinder(OnnxModel model) {
        this.model = model;
        this.finder = new DenseLayerFinder(model);
    }

    ClassifierTensors find(String logits, String features, String head) {
        if (logits != null) {
            requireTensor(logits, "logits");
        }
        if (features != null) {
            requireComputed(features);
        }
        DenseLayer dense = null;
        String missing = null;
        String headOutput = null;
        if (head != null) {
            dense = finder.denseLayer(head, features);
        } else {
            try {
                dense = logits != null ? finder.lastDenseLayerFrom(logits) : firstHead();
            } catch (GraphQueryException e) {
                missing = e.getMessage();
            }
            headOutput = dense == null ? null : dense.outputName();
            if (dense != null && features != null) {
                try {
                    dense = finder.reading(dense, features);
                } catch (GraphQueryException e) {
                    missing = e.getMessage();
                    dense = null;
                }
            }
        }
        if (dense != null) {
            headOutput = dense.outputName();
        }
        String z = logits != null ? logits : headOutput != null ? headOutput : onlyCandidate(missing);
        String h = features != null ? features : dense == null ? null : dense.inputName();
        if (dense != null && model.index().graphInputs().contains(dense.inputName())) {
            missing = "the dense layer '" + dense.outputName() + "' reads the model input '" + dense.inputName()
                    + "' directly, so the model has no hidden features for the detectors";
            dense = null;
            h = null;
        }
        return new ClassifierTensors(z, h, dense, missing, finder.outputsOf(z));
    }

    /** The dense layer of the first graph output that walks back to one. */
    private DenseLayer firstHead() {
        List<String> outputs = outputNames();
        if (outputs.isEmpty()) {
            throw new GraphQueryException(model.source() + " has no graph output, so it has no dense head");
        }
        GraphQueryException first = null;
        for (String output : outputs) {
            try {
                return finder.lastDenseLayerFrom(output);
            } catch (GraphQueryException e) {
                first = first == null ? e : first;
            }
        }
        if (outputs.size() == 1) {
            throw first;
        }
        throw new GraphQueryException(
                first.getMessage() + " (nor does any of the other " + (outputs.size() - 1) + " outputs)");
    }

    private String onlyCandidate(String noHead) {
        List<ValueInfo> candidates = new ArrayList<>();
        List<ValueInfo> outputs = model.describe().outputs();
        for (ValueInfo v : outputs) {
            boolean tensor = v.kind() == ValueKind.TENSOR || v.kind() == ValueKind.UNKNOWN;
            boolean rank =
                    !v.shape().rankKnown() || v.shape().rank() == 1 || v.shape().rank() == 2;
            if (tensor && rank && FLOATING.contains(v.elementType())) {
                candidates.add(v);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0).name();
        }
        String why = "cannot tell which output of " + model.source() + " holds the logits: no dense head computes one ("
                + noHead + ")";
        throw new GraphQueryException(why
                + (candidates.isEmpty()
                        ? " and no output is a float [N, K], [N, 1] or [N] tensor: " + formats(outputs)
                        : " and " + candidates.size() + " outputs could: " + formats(candidates))
                + "; name the logits with --logits (CLI) or logitsOutput(...) (API)");
    }

    private static List<String> formats(List<ValueInfo> values) {
        return values.stream().map(ValueInfo::format).toList();
    }

    private List<String> outputNames() {
        return model.describe().outputs().stream().map(ValueInfo::name).toList();
    }

    private void requireTensor(String name, String what) {
        if (!model.index().isNodeOutput(name) && !outputNames().contains(name)) {
            throw new GraphQueryException("no tensor called '" + name + "' in " + model.source() + " to read the "
                    + what + " from; closest names: " + ClosestNames.closest(name, model.intermediateTensors(), 5));
        }
    }

    private void requireComputed(String features) {
        if (model.index().graphInputs().contains(features)
                || model.index().initializers().contains(features)) {
            throw new GraphQueryException("the features '" + features + "' are a graph input or initializer of "
                    + model.source() + "; name a tensor the model computes (e.g. the input of its last dense layer)");
        }
        requireTensor(features, "features");
    }
}
