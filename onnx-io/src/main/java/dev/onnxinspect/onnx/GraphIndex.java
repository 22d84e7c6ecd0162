package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A validated index of a model's top-level graph: which node produces each tensor, the nodes in topological order,
 * and which names are graph inputs and initializers (dense and sparse). Building one checks the graph: every tensor
 * is defined once, every node input and graph output is defined, and the nodes form no cycle (a node reading its own
 * output, directly or from a subgraph, is one).
 *
 * <p>Choice: only the top-level graph is indexed and fully validated. Nodes with subgraph attributes ({@code If},
 * {@code Loop}, {@code Scan}) are ordered after the producers of every outer-scope tensor their subgraphs read (the
 * names a subgraph reads but does not define itself). Inside subgraphs (at any depth) and model-local functions only
 * cycles are looked for ({@link #checkAcyclic}); names they read from outer scopes are not checked.
 */
final class GraphIndex {
    private final Map<String, Integer> producerOf;
    private final List<NodeProto> nodes;
    private final Map<String, TensorProto> initializerTensors;
    private final Map<String, SparseTensorProto> sparseInitializers;
    private final List<NodeProto> topologicalOrder;
    private final Set<String> graphInputs;
    private final Set<String> initializers;
    private final Map<String, ValueInfoProto> declaredTypes;

    private GraphIndex(
            GraphProto graph,
            Map<String, Integer> producerOf,
            List<NodeProto> topologicalOrder,
            Set<String> graphInputs,
            Set<String> initializers,
            Map<String, ValueInfoProto> declaredTypes) {
        this.producerOf = producerOf;
        this.nodes = graph.getNodeList();
        this.initializerTensors = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializerTensors.put(t.getName(), t);
        }
        this.sparseInitializers = new HashMap<>();
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            sparseInitializers.put(s.getValues().getName(), s);
        }
        this.topologicalOrder = topologicalOrder;
        this.graphInputs = graphInputs;
        this.initializers = initializers;
        this.declaredTypes = declaredTypes;
    }

    /** Validates {@code graph} and indexes it; {@code source} names the model in error messages. */
    static GraphIndex of(GraphProto graph, String source) {
        Set<String> initializers = new LinkedHashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new ModelFormatException(source, "an initializer has no name; every initializer needs one");
            }
            if (!initializers.add(t.getName())) {
                throw new ModelFormatException(source, "initializer '" + t.getName() + "' is defined twice");
            }
        }
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            String name = s.getValues().getName();
            if (name.isEmpty()) {
                throw new ModelFormatException(
                        source, "a sparse initializer has no name (its values tensor names it); every one needs one");
            }
            if (!initializers.add(name)) {
                throw new ModelFormatException(
                        source, "initializer '" + name + "' is defined twice (as a sparse initializer too)");
            }
        }
        Set<String> graphInputs = new LinkedHashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!graphInputs.add(v.getName())) {
                throw new ModelFormatException(source, "graph input '" + v.getName() + "' is listed twice");
            }
        }
        Set<String> defined = new HashSet<>(initializers);
        defined.addAll(graphInputs);
        Map<String, Integer> producerOf = new HashMap<>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (defined.contains(out) || producerOf.containsKey(out)) {
                    throw new ModelFormatException(
                            source,
                            "tensor '" + out + "' is defined more than once (node " + describeNode(nodes.get(i), i)
                                    + " writes it again); ONNX graphs assign each name once");
                }
                producerOf.put(out, i);
            }
        }
        defined.addAll(producerOf.keySet());
        List<Set<Integer>> dependencies = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            Set<Integer> deps = new LinkedHashSet<>();
            for (String in : node.getInputList()) {
                if (in.isEmpty()) {
                    continue;
                }
                if (!defined.contains(in)) {
                    throw new ModelFormatException(
                            source,
                            "node " + describeNode(node, i) + " reads tensor '" + in
                                    + "', which no node, initializer or graph input defines; closest defined names: "
                                    + ClosestNames.closest(in, defined, 5));
                }
            }
            addDependencies(node, i, producerOf, deps, "", source);
            dependencies.add(deps);
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            if (!defined.contains(out.getName())) {
                throw new ModelFormatException(
                        source,
                        "graph output '" + out.getName()
                                + "' is not defined by any node, initializer or graph input; closest defined names: "
                                + ClosestNames.closest(out.getName(), defined, 5));
            }
        }
        List<NodeProto> order = topologicalSort(nodes, dependencies, "", source);
        for (int i = 0; i < nodes.size(); i++) {
            checkSubgraphs(nodes.get(i), i, "", source);
        }
        Map<String, ValueInfoProto> declared = new LinkedHashMap<>();
        for (ValueInfoProto v : graph.getValueInfoList()) {
            declared.putIfAbsent(v.getName(), v);
        }
        for (ValueInfoProto v : graph.getInputList()) {
            declared.put(v.getName(), v);
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            declared.put(v.getName(), v);
        }
        return new GraphIndex(
                graph,
                producerOf,
                Collections.unmodifiableList(order),
                Collections.unmodifiableSet(graphInputs),
                Collections.unmodifiableSet(initializers),
                declared);
    }

    /** Kahn's algorithm, taking the ready node that comes first in the file, so a sorted graph keeps its order. */
    private static List<NodeProto> topologicalSort(
            List<NodeProto> nodes, List<Set<Integer>> dependencies, String where, String source) {
        int n = nodes.size();
        int[] pending = new int[n];
        List<List<Integer>> dependents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            pending[i] = dependencies.get(i).size();
            for (int d : dependencies.get(i)) {
                dependents.get(d).add(i);
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<NodeProto> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(nodes.get(i));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() < n) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < n && stuck.size() < 10; i++) {
                if (pending[i] > 0) {
                    stuck.add(describeNode(nodes.get(i), i));
                }
            }
            throw new ModelFormatException(
                    source,
                    where + "the graph has a cycle: " + (n - order.size())
                            + " nodes depend on each other's outputs, e.g. " + stuck
                            + "; an ONNX graph must be acyclic");
        }
        return order;
    }

    /**
     * Adds to {@code deps} the producers (by index in {@code producerOf}) of every name {@code node} reads, directly
     * or from its subgraphs; a node that reads its own output is refused as a cycle.
     */
    private static void addDependencies(
            NodeProto node,
            int index,
            Map<String, Integer> producerOf,
            Set<Integer> deps,
            String where,
            String source) {
        for (String in : node.getInputList()) {
            Integer p = producerOf.get(in);
            if (p != null && p == index) {
                throw new ModelFormatException(
                        source,
                        where + "node " + describeNode(node, index) + " reads its own output '" + in
                                + "': the graph has a cycle; an ONNX graph must be acyclic");
            }
            if (p != null) {
                deps.add(p);
            }
        }
        for (String outer : outerScopeReads(node)) {
            Integer p = producerOf.get(outer);
            if (p != null && p == index) {
                throw new ModelFormatException(
                        source,
                        where + "node " + describeNode(node, index) + " has a subgraph that reads the node's own"
                                + " output '" + outer + "': the graph has a cycle; an ONNX graph must be acyclic");
            }
            if (p != null) {
                deps.add(p);
            }
        }
    }

    /**
     * Refuses a cycle among {@code nodes} (a subgraph's or a model-local function's) and, recursively, in their
     * subgraphs: a node reading its own output, or nodes depending on each other's outputs. Names the nodes do not
     * produce (the body's inputs, its initializers, outer-scope tensors) are not edges.
     *
     * @param where the place of the nodes for messages, e.g. {@code "function 'f': "}
     */
    static void checkAcyclic(List<NodeProto> nodes, String where, String source) {
        Map<String, Integer> producerOf = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                if (!out.isEmpty()) {
                    producerOf.putIfAbsent(out, i);
                }
            }
        }
        List<Set<Integer>> dependencies = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> deps = new LinkedHashSet<>();
            addDependencies(nodes.get(i), i, producerOf, deps, where, source);
            dependencies.add(deps);
        }
        topologicalSort(nodes, dependencies, where, source);
        for (int i = 0; i < nodes.size(); i++) {
            checkSubgraphs(nodes.get(i), i, where, source);
        }
    }

    private static void checkSubgraphs(NodeProto node, int index, String where, String source) {
        for (AttributeProto a : node.getAttributeList()) {
            String attribute = where + describeNode(node, index) + " attribute '" + a.getName() + "'";
            if (a.hasG()) {
                checkAcyclic(a.getG().getNodeList(), attribute + ": ", source);
            }
            for (int k = 0; k < a.getGraphsCount(); k++) {
                checkAcyclic(a.getGraphs(k).getNodeList(), attribute + " graph " + k + ": ", source);
            }
        }
    }

    /** Every name a node's subgraphs read from outside themselves (at any depth). */
    private static Set<String> outerScopeReads(NodeProto node) {
        Set<String> names = new LinkedHashSet<>();
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                names.addAll(freeReads(a.getG()));
            }
            for (GraphProto g : a.getGraphsList()) {
                names.addAll(freeReads(g));
            }
        }
        return names;
    }

    /** The names {@code graph} reads (node inputs, outputs, its subgraphs' reads) without defining them itself. */
    private static Set<String> freeReads(GraphProto graph) {
        Set<String> defined = new HashSet<>();
        graph.getInputList().forEach(v -> defined.add(v.getName()));
        graph.getInitializerList().forEach(t -> defined.add(t.getName()));
        graph.getSparseInitializerList().forEach(s -> defined.add(s.getValues().getName()));
        graph.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
        Set<String> reads = new LinkedHashSet<>();
        for (NodeProto n : graph.getNodeList()) {
            reads.addAll(n.getInputList());
            reads.addAll(outerScopeReads(n));
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            reads.add(out.getName());
        }
        reads.removeAll(defined);
        reads.remove("");
        return reads;
    }

    static String describeNode(NodeProto node, int index) {
        String name = node.getName().isEmpty() ? "#" + index : "'" + node.getName() + "'";
        return node.getOpType() + " " + name;
    }

    /** The nodes, each after the producers of everything it reads. */
    List<NodeProto> topologicalOrder() {
        return topologicalOrder;
    }

    /** True when a node (not an initializer or graph input) produces {@code name}. */
    boolean isNodeOutput(String name) {
        return producerOf.containsKey(name);
    }

    /** The node that produces {@code tensor}; empty for initializers, graph inputs and unknown names. */
    Optional<NodeProto> producer(String tensor) {
        Integer i = producerOf.get(tensor);
        return i == null ? Optional.empty() : Optional.of(nodes.get(i));
    }

    /** The initializer called {@code name}; empty when there is none. */
    Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializerTensors.get(name));
    }

    /** The sparse initializer called {@code name}; empty when there is none. */
    Optional<SparseTensorProto> sparseInitializer(String name) {
        return Optional.ofNullable(sparseInitializers.get(name));
    }

    Set<String> graphInputs() {
        return graphInputs;
    }

    /** The names of all initializers, dense and sparse. */
    Set<String> initializers() {
        return initializers;
    }

    /** The declared type of {@code name} from graph inputs, outputs or value_info; empty when none declares it. */
    Optional<ValueInfoProto> declaredType(String name) {
        return Optional.ofNullable(declaredTypes.get(name));
    }
}
