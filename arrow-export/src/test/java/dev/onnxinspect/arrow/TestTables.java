package dev.onnxinspect.arrow;

import dev.onnxinspect.inspect.ClassSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Shared fixtures for the table tests. */
final class TestTables {
    /** SHA-256 of the empty input (FIPS 180-2 test vector). */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    static final List<String> LAYERS = List.of("fc1", "fc2");
    static final List<String> DATASETS = List.of("fashion-train", "fashion-test", "mnist");

    private TestTables() {}

    static TableMetadata metadata() {
        return TableMetadata.builder("mlp.onnx", EMPTY_SHA256, ClassSource.LABEL)
                .layerNames(LAYERS)
                .tau(0.25)
                .eps(500)
                .alpha(1e-3)
                .bins(4)
                .parameter("seed", "42")
                .build();
    }

    /** "name:type" per column: dict (dictionary utf8 with int32 indices), int32, int64, float64; "?" = nullable. */
    static List<String> describe(List<Field> fields) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            String type;
            if (f.getDictionary() != null) {
                ArrowType.Int index = f.getDictionary().getIndexType();
                type = index.getBitWidth() == 32 && index.getIsSigned() ? "dict" : "dict?index=" + index;
            } else if (f.getType() instanceof ArrowType.Int i) {
                type = (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
            } else if (f.getType() instanceof ArrowType.FloatingPoint fp) {
                type = "float"
                        + (fp.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE
                                ? "64"
                                : "32");
            } else {
                type = f.getType().toString();
            }
            out.add(f.getName() + ":" + type + (f.isNullable() ? "?" : ""));
        }
        return out;
    }
}
