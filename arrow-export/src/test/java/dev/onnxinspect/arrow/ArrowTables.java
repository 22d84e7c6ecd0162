package dev.onnxinspect.arrow;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Reads a whole Arrow file back with Arrow Java, decoding dictionary columns to strings (tests only). */
final class ArrowTables {
    private ArrowTables() {}

    /** One file read back: its schema (dictionary fields as written), rows, record batch count. */
    record Table(Schema schema, List<Map<String, Object>> rows, int batches) {
        Map<String, String> metadata() {
            return schema.getCustomMetadata();
        }

        List<String> columnNames() {
            return schema.getFields().stream().map(Field::getName).toList();
        }

        Field field(String name) {
            return schema.findField(name);
        }

        List<Object> column(String name) {
            return rows.stream().map(r -> r.get(name)).toList();
        }
    }

    static Table read(Path file, BufferAllocator allocator) throws IOException {
        try (FileChannel channel = FileChannel.open(file);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<Map<String, Object>> rows = new ArrayList<>();
            List<ArrowBlock> blocks = reader.getRecordBlocks();
            for (ArrowBlock block : blocks) {
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
            return new Table(root.getSchema(), rows, blocks.size());
        }
    }

    private static Object value(FieldVector vector, int i, Map<Long, Dictionary> dictionaries) {
        DictionaryEncoding encoding = vector.getField().getDictionary();
        if (encoding == null || vector.isNull(i)) {
            return vector.getObject(i);
        }
        int index = ((IntVector) vector).get(i);
        return dictionaries.get(encoding.getId()).getVector().getObject(index).toString();
    }
}
