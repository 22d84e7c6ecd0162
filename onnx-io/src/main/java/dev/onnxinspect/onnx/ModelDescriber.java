package dev.onnxinspect.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link ModelDescription} from a validated model. */
final class ModelDescriber {
    private static final int MAX_LISTED_VALUES = 8;

    private ModelDescriber() {}

    static ModelDescription describe(OnnxModel model) {
        ModelProto proto = model.proto();
        GraphProto graph = proto.getGraph();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            opsets.put(o.getDomain(), o.getVersion());
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!model.index().initializers().contains(v.getName())) {
                inputs.add(ValueInfo.of(v));
            }
        }
        List<ValueInfo> outputs =
                graph.getOutputList().stream().map(ValueInfo::of).toList();
        List<NodeInfo> nodes = model.index().topologicalOrder().stream()
                .map(ModelDescriber::node)
                .toList();
        List<InitializerInfo> initializers = new ArrayList<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.add(new InitializerInfo(
                    t.getName(), ElementType.forCode(t.getDataType()).orElse(ElementType.UNDEFINED), t.getDimsList()));
        }
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            TensorProto values = s.getValues();
            initializers.add(new InitializerInfo(
                    values.getName(),
                    ElementType.forCode(values.getDataType()).orElse(ElementType.UNDEFINED),
                    s.getDimsList(),
                    true));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto e : proto.getMetadataPropsList()) {
            metadata.put(e.getKey(), e.getValue());
        }
        return new ModelDescription(
                model.source(),
                proto.getIrVersion(),
                proto.getProducerName(),
                proto.getProducerVersion(),
                opsets,
                inputs,
                outputs,
                nodes,
                initializers,
                metadata);
    }

    private static NodeInfo node(NodeProto n) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            attributes.put(a.getName(), value(a));
        }
        return new NodeInfo(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), attributes);
    }

    /** A short readable rendering of an attribute value (tensors and graphs summarised, long lists cut). */
    static String value(AttributeProto a) {
        return switch (a.getType()) {
            case FLOAT -> Float.toString(a.getF());
            case INT -> Long.toString(a.getI());
            case STRING -> "\"" + a.getS().toStringUtf8() + "\"";
            case TENSOR -> tensor(a.getT());
            case GRAPH -> "graph(" + a.getG().getNodeCount() + " nodes)";
            case FLOATS -> list(a.getFloatsList());
            case INTS -> list(a.getIntsList());
            case STRINGS ->
                list(a.getStringsList().stream()
                        .map(b -> "\"" + b.toStringUtf8() + "\"")
                        .toList());
            case TENSORS -> a.getTensorsCount() + " tensors";
            case GRAPHS -> a.getGraphsCount() + " graphs";
            case SPARSE_TENSOR -> "sparse tensor";
            case SPARSE_TENSORS -> a.getSparseTensorsCount() + " sparse tensors";
            case TYPE_PROTO, TYPE_PROTOS -> "type";
            default -> a.hasRefAttrName() ? "@" + a.getRefAttrName() : "?";
        };
    }

    private static String tensor(TensorProto t) {
        return "tensor(" + ElementType.forCode(t.getDataType()).map(Enum::name).orElse("type " + t.getDataType()) + " "
                + t.getDimsList() + ")";
    }

    private static String list(List<?> values) {
        if (values.size() <= MAX_LISTED_VALUES) {
            return values.toString();
        }
        return values.subList(0, MAX_LISTED_VALUES).toString().replace("]", ", ... (" + values.size() + " values)]");
    }
}
