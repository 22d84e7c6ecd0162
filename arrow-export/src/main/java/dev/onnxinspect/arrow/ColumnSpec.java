package dev.onnxinspect.arrow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The description of one column before anything is allocated: name, type, nullability and, for a key column, its
 * dictionary. {@link Columns} collects them in schema order and rejects duplicate names.
 */
record ColumnSpec(String name, Type type, boolean nullable, List<String> dictionary) {
    enum Type {
        /** Dictionary-encoded utf8 with int32 indices. */
        KEY,
        INT32,
        INT64,
        FLOAT64
    }

    ColumnSpec {
        if (name == null || name.isEmpty()) {
            throw new ArrowExportException(
                    "a column name must be a non-empty string, got " + (name == null ? "null" : "''"));
        }
        dictionary = dictionary == null ? null : List.copyOf(dictionary);
        if ((type == Type.KEY) != (dictionary != null)) {
            throw new IllegalArgumentException("a dictionary is given exactly for key columns: " + name);
        }
    }

    /** The columns of one table in schema order. */
    static final class Columns {
        private final List<ColumnSpec> specs = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        Columns key(String name, List<String> dictionary, boolean nullable) {
            if (dictionary == null) {
                throw new ArrowExportException("the values of key column '" + name + "' must be given, got null");
            }
            for (String value : dictionary) {
                if (value == null) {
                    throw new ArrowExportException("the values of key column '" + name + "' must not contain null: "
                            + dictionary + "; a missing value is written as a null row instead");
                }
            }
            return add(new ColumnSpec(name, Type.KEY, nullable, dictionary));
        }

        Columns int32(String name, boolean nullable) {
            return add(new ColumnSpec(name, Type.INT32, nullable, null));
        }

        Columns int64(String name) {
            return add(new ColumnSpec(name, Type.INT64, false, null));
        }

        Columns float64(String name, boolean nullable) {
            return add(new ColumnSpec(name, Type.FLOAT64, nullable, null));
        }

        private Columns add(ColumnSpec spec) {
            if (!names.add(spec.name())) {
                throw new ArrowExportException("column name '" + spec.name() + "' is used twice in one table; column"
                        + " names must be distinct (a score or configuration column may not reuse a fixed column's"
                        + " name)");
            }
            specs.add(spec);
            return this;
        }

        List<ColumnSpec> specs() {
            return List.copyOf(specs);
        }
    }
}
