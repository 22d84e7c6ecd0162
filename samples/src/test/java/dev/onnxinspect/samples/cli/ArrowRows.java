package dev.onnxinspect.samples.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.util.Text;

/** Reads a whole (uncompressed) Arrow table file back as rows, dictionary and text columns as strings (tests). */
final class ArrowRows {
    private ArrowRows() {}

    static List<Map<String, Object>> read(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                FileChannel channel = FileChannel.open(file);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                Map<Long, Dictionary> dictionaries = reader.getDictionaryVectors();
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (FieldVector vector : root.getFieldVectors()) {
                        row.put(vector.getName(), value(vector, i, dictionaries));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    private static Object value(FieldVector vector, int i, Map<Long, Dictionary> dictionaries) {
        if (vector.isNull(i)) {
            return null;
        }
        DictionaryEncoding encoding = vector.getField().getDictionary();
        Object value = encoding == null
                ? vector.getObject(i)
                : dictionaries.get(encoding.getId()).getVector().getObject(((IntVector) vector).get(i));
        return value instanceof Text t ? t.toString() : value;
    }

    /** The rows whose columns equal the given values (pairs of column name, value). */
    static List<Map<String, Object>> where(List<Map<String, Object>> rows, Object... columnValues) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            boolean match = true;
            for (int k = 0; k < columnValues.length; k += 2) {
                Object v = row.get((String) columnValues[k]);
                match &= v != null && v.toString().equals(columnValues[k + 1].toString());
            }
            if (match) {
                out.add(row);
            }
        }
        return out;
    }

    static long asLong(Object value) {
        return ((Number) value).longValue();
    }

    static double asDouble(Object value) {
        return ((Number) value).doubleValue();
    }
}
