package dev.onnxinspect.arrow;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * A dictionary-encoded string column (SPEC §12: string keys dictionary-encoded): int32 indices into a utf8
 * dictionary, the same layout {@link org.apache.arrow.vector.dictionary.DictionaryEncoder} produces.
 *
 * <p>Choice: the dictionary is fixed when the writer is made, from values the caller knows in advance (layer,
 * dataset and detector names). The Arrow IPC file format writes every dictionary before the first record batch and
 * allows neither deltas nor replacements, so a dictionary cannot grow while rows stream out. A value that is not in
 * the dictionary is an error that names the column and the allowed values.
 */
final class KeyColumn implements AutoCloseable {
    private static final ArrowType.Int INDEX_TYPE = new ArrowType.Int(32, true);

    private final String name;
    private final boolean nullable;
    private final List<String> values;
    private final Map<String, Integer> codes;
    private final Dictionary dictionary;
    private final IntVector indices;

    KeyColumn(String name, List<String> values, boolean nullable, long dictionaryId, BufferAllocator allocator) {
        this.name = name;
        this.nullable = nullable;
        this.values = List.copyOf(values);
        this.codes = new HashMap<>();
        for (int i = 0; i < this.values.size(); i++) {
            String value = this.values.get(i);
            if (codes.put(value, i) != null) {
                throw new ArrowExportException("the values of key column '" + name + "' must be distinct, but '" + value
                        + "' appears twice in " + this.values);
            }
        }
        DictionaryEncoding encoding = new DictionaryEncoding(dictionaryId, false, INDEX_TYPE);
        VarCharVector dictionaryVector = new VarCharVector(
                new Field(name + "_dictionary", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null), allocator);
        IntVector indexVector = null;
        try {
            dictionaryVector.allocateNew(this.values.size());
            for (int i = 0; i < this.values.size(); i++) {
                dictionaryVector.setSafe(i, this.values.get(i).getBytes(StandardCharsets.UTF_8));
            }
            dictionaryVector.setValueCount(this.values.size());
            indexVector =
                    new IntVector(new Field(name, new FieldType(nullable, INDEX_TYPE, encoding), null), allocator);
        } catch (RuntimeException e) {
            dictionaryVector.close();
            throw e;
        }
        this.dictionary = new Dictionary(dictionaryVector, encoding);
        this.indices = indexVector;
    }

    String name() {
        return name;
    }

    IntVector indices() {
        return indices;
    }

    Dictionary dictionary() {
        return dictionary;
    }

    /** Sets row {@code row} to {@code value}; {@code null} only in a nullable column. */
    void set(int row, String value) {
        if (value == null) {
            if (!nullable) {
                throw new ArrowExportException("column '" + name + "' does not allow null; give one of " + values);
            }
            indices.setNull(row);
            return;
        }
        Integer code = codes.get(value);
        if (code == null) {
            throw new ArrowExportException("unknown " + name + " '" + value + "': the writer was made with " + values
                    + "; pass every " + name + " value to the writer when you create it");
        }
        indices.setSafe(row, code);
    }

    @Override
    public void close() {
        try {
            indices.close();
        } finally {
            dictionary.getVector().close();
        }
    }
}
