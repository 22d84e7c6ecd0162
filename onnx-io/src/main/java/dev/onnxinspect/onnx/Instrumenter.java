package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds selected intermediate tensors of the top-level graph as graph outputs, without changing anything the model
 * computes: nodes, initializers and the original outputs (first, in order) stay as they are.
 *
 * <p>Choice: an added output copies the type the model declares for the tensor (graph {@code value_info}); when
 * the model declares none (or a tensor type with an undefined element type), the output is added without a type and the runtime infers it (ONNX Runtime 1.28 does;
 * a tensor type with an undefined element type, by contrast, is rejected, so none is invented). Tensors inside
 * subgraphs ({@code If}, {@code Loop}, {@code Scan} bodies) cannot be selected; the outputs of the nodes that own
 * the subgraphs can.
 */
final class Instrumenter {
    private static final Logger LOG = LoggerFactory.getLogger(Instrumenter.class);

    private final OnnxModel model;
    /** Intermediate tensor name to the node producing it, in topological order. */
    private final Map<String, NodeProto> producers = new LinkedHashMap<>();

    Instrumenter(OnnxModel model) {
        this.model = model;
        for (NodeProto node : model.index().topologicalOrder()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, node);
                }
            }
        }
    }

    InstrumentedModel instrument(List<TensorSelector> selectors) {
        if (selectors.isEmpty()) {
            throw new GraphQueryException(
                    "no tensor selector given; use TensorSelector.all() to select every " + "intermediate tensor");
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (TensorSelector selector : selectors) {
            chosen.addAll(select(selector));
        }
        GraphProto graph = model.proto().getGraph();
        List<String> originals =
                graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        Set<String> existing = new LinkedHashSet<>(originals);
        List<String> selected = new ArrayList<>();
        List<String> added = new ArrayList<>();
        GraphProto.Builder edited = graph.toBuilder();
        for (String tensor : producers.keySet()) {
            if (!chosen.contains(tensor)) {
                continue;
            }
            selected.add(tensor);
            if (existing.add(tensor)) {
                added.add(tensor);
                edited.addOutput(model.index()
                        .declaredType(tensor)
                        .filter(Instrumenter::usable)
                        .orElseGet(() ->
                                ValueInfoProto.newBuilder().setName(tensor).build()));
            }
        }
        OnnxModel result = added.isEmpty()
                ? model
                : model.withProto(model.proto().toBuilder().setGraph(edited).build());
        LOG.debug(
                "instrumented {}: {} tensors selected, {} outputs added",
                model.source(),
                selected.size(),
                added.size());
        return new InstrumentedModel(result, originals, added, selected);
    }

    /** A declared type worth copying: not a tensor type with an undefined element type (runtimes reject it). */
    private static boolean usable(ValueInfoProto declared) {
        return declared.hasType()
                && !(declared.getType().hasTensorType()
                        && declared.getType().getTensorType().getElemType() == ElementType.UNDEFINED.code());
    }

    /** The intermediate tensors a selector picks (any order; the caller orders them). */
    private List<String> select(TensorSelector selector) {
        if (selector instanceof TensorSelector.Name n) {
            return List.of(byName(n.name()));
        } else if (selector instanceof TensorSelector.Glob g) {
            return byPattern(g.pattern(), "glob '" + g.glob() + "'");
        } else if (selector instanceof TensorSelector.Regex r) {
            return byPattern(r.pattern(), "regex '" + r.pattern().pattern() + "'");
        } else if (selector instanceof TensorSelector.OpType o) {
            return byOpType(o.opType());
        } else if (selector instanceof TensorSelector.ProducedBy p) {
            return byNode(p.nodeName());
        }
        return List.copyOf(producers.keySet());
    }

    private String byName(String name) {
        if (producers.containsKey(name)) {
            return name;
        }
        if (model.index().initializers().contains(name)) {
            throw new GraphQueryException("'" + name + "' is an initializer (a stored weight), not an intermediate "
                    + "tensor; read it with OnnxModel.initializer(name) instead");
        }
        if (model.index().graphInputs().contains(name)) {
            throw new GraphQueryException("'" + name + "' is a graph input, not an intermediate tensor; "
                    + "the caller already has its value");
        }
        for (NodeProto node : model.index().topologicalOrder()) {
            if (definesInSubgraph(node, name)) {
                throw new GraphQueryException("'" + name + "' is computed inside a subgraph of " + node.getOpType()
                        + (node.getName().isEmpty() ? "" : " '" + node.getName() + "'") + "; only top-level tensors "
                        + "can be exposed (select that node's outputs instead: " + node.getOutputList() + ")");
            }
        }
        throw new GraphQueryException("unknown tensor '" + name + "' in " + model.source()
                + "; closest intermediate tensors: " + ClosestNames.closest(name, producers.keySet(), 5));
    }

    private static boolean definesInSubgraph(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                graphs.add(a.getG());
            }
            for (GraphProto g : graphs) {
                for (NodeProto inner : g.getNodeList()) {
                    if (inner.getOutputList().contains(name) || definesInSubgraph(inner, name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private List<String> byPattern(Pattern pattern, String what) {
        List<String> matches = producers.keySet().stream()
                .filter(t -> pattern.matcher(t).matches())
                .toList();
        if (matches.isEmpty()) {
            throw new GraphQueryException(what + " matches no intermediate tensor in " + model.source()
                    + "; some tensors: " + producers.keySet().stream().limit(10).toList());
        }
        return matches;
    }

    private List<String> byOpType(String opType) {
        List<String> matches = new ArrayList<>();
        Set<String> opTypes = new LinkedHashSet<>();
        for (Map.Entry<String, NodeProto> e : producers.entrySet()) {
            opTypes.add(e.getValue().getOpType());
            if (e.getValue().getOpType().equals(opType)) {
                matches.add(e.getKey());
            }
        }
        if (matches.isEmpty()) {
            throw new GraphQueryException("no node of type '" + opType + "' in " + model.source()
                    + "; closest op types present: " + ClosestNames.closest(opType, opTypes, 5));
        }
        return matches;
    }

    private List<String> byNode(String nodeName) {
        Set<String> names = new LinkedHashSet<>();
        for (NodeProto node : model.index().topologicalOrder()) {
            if (node.getName().equals(nodeName)) {
                List<String> outs =
                        node.getOutputList().stream().filter(o -> !o.isEmpty()).toList();
                if (outs.isEmpty()) {
                    throw new GraphQueryException("node '" + nodeName + "' has no outputs to select");
                }
                return outs;
            }
            if (!node.getName().isEmpty()) {
                names.add(node.getName());
            }
        }
        throw new GraphQueryException("unknown node '" + nodeName + "' in " + model.source() + "; closest node names: "
                + ClosestNames.closest(nodeName, names, 5));
    }
}
