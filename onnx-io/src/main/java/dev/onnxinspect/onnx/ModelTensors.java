package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Every tensor a model holds, wherever the ONNX schema lets one be, visited in one walk: the initializers and sparse
 * initializers of the graph, the tensors of every node attribute ({@code t}, {@code tensors}, {@code sparse_tensor},
 * {@code sparse_tensors}: a {@code Constant}'s {@code value} and {@code sparse_value} among them), the same inside
 * every subgraph ({@code g} and {@code graphs}: {@code If}, {@code Loop}, {@code Scan} bodies, at any depth), the
 * nodes and attribute defaults of model-local functions, and the graphs of {@code training_info}. A sparse tensor's
 * {@code values} and {@code indices} are visited as tensors, then the sparse tensor itself.
 *
 * <p>The one place that knows where tensors live, so that external data (read and inlined by {@link ExternalData})
 * and the load-time checks ({@link TensorChecks}) cannot miss one. A test walks the protobuf descriptors to make
 * sure no field that can hold a tensor is left out.
 *
 * <p>Each tensor comes with {@code where}: a short description of its place for error messages, e.g.
 * {@code initializer 'w'}, {@code Constant 'c' attribute 'sparse_value' values} or
 * {@code If 'cond' attribute 'then_branch': initializer 'k'}.
 */
// A visitor returns the very instance it was given when it changes nothing: identity, not equality, tells whether a
// message must be rebuilt (equals would compare whole subtrees, weights included).
@SuppressWarnings("ReferenceEquality")
final class ModelTensors {
    /** What to do with each tensor: return it unchanged (the same instance) or a replacement. */
    interface Visitor {
        TensorProto tensor(TensorProto tensor, String where) throws IOException;

        /** Called for each sparse tensor after its values and indices went through {@link #tensor}. */
        default void sparse(SparseTensorProto sparse, String where) {}
    }

    private final Visitor visitor;

    private ModelTensors(Visitor visitor) {
        this.visitor = visitor;
    }

    /** {@code model} with each tensor replaced by what {@code visitor} returns; {@code model} itself if none changed. */
    static ModelProto rewrite(ModelProto model, Visitor visitor) throws IOException {
        return new ModelTensors(visitor).model(model);
    }

    /** True when any tensor of the model (sparse tensors' values and indices included) matches. */
    static boolean anyMatch(ModelProto model, Predicate<TensorProto> test) {
        boolean[] found = {false};
        try {
            rewrite(model, (t, where) -> {
                found[0] |= test.test(t);
                return t;
            });
        } catch (IOException e) {
            throw new IllegalStateException("a visitor that does no I/O threw an IOException", e);
        }
        return found[0];
    }

    private ModelProto model(ModelProto m) throws IOException {
        ModelProto.Builder b = null;
        if (m.hasGraph()) {
            GraphProto g = graph(m.getGraph(), "");
            if (g != m.getGraph()) {
                b = m.toBuilder().setGraph(g);
            }
        }
        for (int i = 0; i < m.getTrainingInfoCount(); i++) {
            TrainingInfoProto t = m.getTrainingInfo(i);
            TrainingInfoProto.Builder tb = null;
            if (t.hasInitialization()) {
                GraphProto g = graph(t.getInitialization(), "training_info " + i + " initialization: ");
                if (g != t.getInitialization()) {
                    tb = t.toBuilder().setInitialization(g);
                }
            }
            if (t.hasAlgorithm()) {
                GraphProto g = graph(t.getAlgorithm(), "training_info " + i + " algorithm: ");
                if (g != t.getAlgorithm()) {
                    tb = (tb == null ? t.toBuilder() : tb).setAlgorithm(g);
                }
            }
            if (tb != null) {
                b = (b == null ? m.toBuilder() : b).setTrainingInfo(i, tb);
            }
        }
        for (int i = 0; i < m.getFunctionsCount(); i++) {
            FunctionProto f = function(m.getFunctions(i));
            if (f != m.getFunctions(i)) {
                b = (b == null ? m.toBuilder() : b).setFunctions(i, f);
            }
        }
        return b == null ? m : b.build();
    }

    private FunctionProto function(FunctionProto f) throws IOException {
        String prefix = "function '" + f.getName() + "': ";
        FunctionProto.Builder b = null;
        for (int i = 0; i < f.getNodeCount(); i++) {
            NodeProto n = node(f.getNode(i), i, prefix);
            if (n != f.getNode(i)) {
                b = (b == null ? f.toBuilder() : b).setNode(i, n);
            }
        }
        for (int i = 0; i < f.getAttributeProtoCount(); i++) {
            AttributeProto a = f.getAttributeProto(i);
            AttributeProto changed = attribute(a, prefix + "attribute '" + a.getName() + "' default");
            if (changed != a) {
                b = (b == null ? f.toBuilder() : b).setAttributeProto(i, changed);
            }
        }
        return b == null ? f : b.build();
    }

    private GraphProto graph(GraphProto g, String prefix) throws IOException {
        GraphProto.Builder b = null;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            TensorProto changed = visitor.tensor(t, prefix + "initializer '" + t.getName() + "'");
            if (changed != t) {
                b = (b == null ? g.toBuilder() : b).setInitializer(i, changed);
            }
        }
        for (int i = 0; i < g.getSparseInitializerCount(); i++) {
            SparseTensorProto s = g.getSparseInitializer(i);
            SparseTensorProto changed =
                    sparse(s, prefix + "sparse initializer '" + s.getValues().getName() + "'");
            if (changed != s) {
                b = (b == null ? g.toBuilder() : b).setSparseInitializer(i, changed);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = node(g.getNode(i), i, prefix);
            if (n != g.getNode(i)) {
                b = (b == null ? g.toBuilder() : b).setNode(i, n);
            }
        }
        return b == null ? g : b.build();
    }

    private NodeProto node(NodeProto n, int index, String prefix) throws IOException {
        String who = prefix + GraphIndex.describeNode(n, index);
        NodeProto.Builder b = null;
        for (int k = 0; k < n.getAttributeCount(); k++) {
            AttributeProto a = n.getAttribute(k);
            AttributeProto changed = attribute(a, who + " attribute '" + a.getName() + "'");
            if (changed != a) {
                b = (b == null ? n.toBuilder() : b).setAttribute(k, changed);
            }
        }
        return b == null ? n : b.build();
    }

    private AttributeProto attribute(AttributeProto a, String where) throws IOException {
        AttributeProto.Builder b = null;
        if (a.hasT()) {
            TensorProto t = visitor.tensor(a.getT(), where);
            if (t != a.getT()) {
                b = a.toBuilder().setT(t);
            }
        }
        for (int i = 0; i < a.getTensorsCount(); i++) {
            TensorProto t = visitor.tensor(a.getTensors(i), where + " tensor " + i);
            if (t != a.getTensors(i)) {
                b = (b == null ? a.toBuilder() : b).setTensors(i, t);
            }
        }
        if (a.hasSparseTensor()) {
            SparseTensorProto s = sparse(a.getSparseTensor(), where);
            if (s != a.getSparseTensor()) {
                b = (b == null ? a.toBuilder() : b).setSparseTensor(s);
            }
        }
        for (int i = 0; i < a.getSparseTensorsCount(); i++) {
            SparseTensorProto s = sparse(a.getSparseTensors(i), where + " sparse tensor " + i);
            if (s != a.getSparseTensors(i)) {
                b = (b == null ? a.toBuilder() : b).setSparseTensors(i, s);
            }
        }
        if (a.hasG()) {
            GraphProto g = graph(a.getG(), where + ": ");
            if (g != a.getG()) {
                b = (b == null ? a.toBuilder() : b).setG(g);
            }
        }
        for (int i = 0; i < a.getGraphsCount(); i++) {
            GraphProto g = graph(a.getGraphs(i), where + " graph " + i + ": ");
            if (g != a.getGraphs(i)) {
                b = (b == null ? a.toBuilder() : b).setGraphs(i, g);
            }
        }
        return b == null ? a : b.build();
    }

    private SparseTensorProto sparse(SparseTensorProto s, String where) throws IOException {
        SparseTensorProto.Builder b = null;
        if (s.hasValues()) {
            TensorProto t = visitor.tensor(s.getValues(), where + " values");
            if (t != s.getValues()) {
                b = s.toBuilder().setValues(t);
            }
        }
        if (s.hasIndices()) {
            TensorProto t = visitor.tensor(s.getIndices(), where + " indices");
            if (t != s.getIndices()) {
                b = (b == null ? s.toBuilder() : b).setIndices(t);
            }
        }
        SparseTensorProto result = b == null ? s : b.build();
        visitor.sparse(result, where);
        return result;
    }
}
