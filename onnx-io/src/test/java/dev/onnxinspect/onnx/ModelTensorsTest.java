package dev.onnxinspect.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelTensors} visits the fields of the ONNX schema through which a tensor can be reached. This test reads the
 * schema the library is built with (the protobuf descriptors of {@code ai.onnx.proto.OnnxMl}) and fails when a field
 * that can hold a tensor is added (a newer ONNX schema): then ModelTensors must learn it, or external data and the
 * load-time checks would miss tensors there.
 */
class ModelTensorsTest {
    /** The fields ModelTensors follows (message.field), every one of them on a path from ModelProto to a tensor. */
    private static final Set<String> VISITED = Set.of(
            "ModelProto.graph",
            "ModelProto.training_info",
            "ModelProto.functions",
            "TrainingInfoProto.initialization",
            "TrainingInfoProto.algorithm",
            "FunctionProto.node",
            "FunctionProto.attribute_proto",
            "GraphProto.initializer",
            "GraphProto.sparse_initializer",
            "GraphProto.node",
            "NodeProto.attribute",
            "AttributeProto.t",
            "AttributeProto.tensors",
            "AttributeProto.sparse_tensor",
            "AttributeProto.sparse_tensors",
            "AttributeProto.g",
            "AttributeProto.graphs",
            "SparseTensorProto.values",
            "SparseTensorProto.indices");

    @Test
    void everyFieldThatCanHoldATensorIsVisited() {
        Set<String> paths = new TreeSet<>();
        Map<Descriptor, Boolean> reaches = new HashMap<>();
        collect(ModelProto.getDescriptor(), reaches, paths, new HashMap<>());
        assertThat(paths).containsExactlyInAnyOrderElementsOf(VISITED);
    }

    /** Adds to {@code paths} every field of {@code type} (and the types below it) whose type reaches a tensor. */
    private static void collect(
            Descriptor type, Map<Descriptor, Boolean> reaches, Set<String> paths, Map<Descriptor, Boolean> seen) {
        if (seen.put(type, true) != null) {
            return;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (reachesTensor(f.getMessageType(), reaches, new HashMap<>())) {
                paths.add(type.getName() + "." + f.getName());
                collect(f.getMessageType(), reaches, paths, seen);
            }
        }
    }

    private static boolean reachesTensor(
            Descriptor type, Map<Descriptor, Boolean> known, Map<Descriptor, Boolean> visiting) {
        if (type.equals(TensorProto.getDescriptor()) || type.equals(SparseTensorProto.getDescriptor())) {
            return true;
        }
        Boolean k = known.get(type);
        if (k != null) {
            return k;
        }
        if (visiting.put(type, true) != null) {
            return false; // a recursive type: decided by its other fields
        }
        boolean result = false;
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && reachesTensor(f.getMessageType(), known, visiting)) {
                result = true;
            }
        }
        visiting.remove(type);
        known.put(type, result);
        return result;
    }
}
