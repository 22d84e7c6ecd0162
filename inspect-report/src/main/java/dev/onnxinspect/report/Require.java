package dev.onnxinspect.report;

import java.util.List;

/** Argument checks shared by the report records; each failure names the record and field and says what to fix. */
final class Require {
    private Require() {}

    static String text(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ReportException(what + " must be a non-blank string, got " + (value == null ? "null" : "\"\""));
        }
        return value;
    }

    static List<String> labels(List<String> labels, String what) {
        if (labels == null || labels.isEmpty()) {
            throw new ReportException(what + " must list at least one label, got " + labels);
        }
        for (String label : labels) {
            text(label, what + " entry");
        }
        return List.copyOf(labels);
    }

    static double between(double value, double min, double max, String what) {
        if (!(value >= min && value <= max)) {
            throw new ReportException(what + " must lie in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new ReportException(what + " must be a finite number, got " + value);
        }
        return value;
    }

    /** A deep copy of a rectangular matrix with {@code rows} rows, every entry checked to lie in [min, max]. */
    static double[][] matrix(double[][] values, int rows, double min, double max, String what) {
        if (values == null || values.length != rows) {
            throw new ReportException(what + " must have one row per class label (" + rows + "), got "
                    + (values == null ? "null" : values.length));
        }
        int columns = values.length == 0 || values[0] == null ? 0 : values[0].length;
        if (columns == 0) {
            throw new ReportException(what + " must have at least one column");
        }
        double[][] copy = new double[rows][];
        for (int r = 0; r < rows; r++) {
            if (values[r] == null || values[r].length != columns) {
                throw new ReportException(what + " must be rectangular: row 0 has " + columns + " columns, row " + r
                        + " has " + (values[r] == null ? "none" : values[r].length));
            }
            for (int c = 0; c < columns; c++) {
                between(values[r][c], min, max, what + "[" + r + "][" + c + "]");
            }
            copy[r] = values[r].clone();
        }
        return copy;
    }

    static double[][] deepCopy(double[][] values) {
        double[][] copy = new double[values.length][];
        for (int r = 0; r < values.length; r++) {
            copy[r] = values[r].clone();
        }
        return copy;
    }
}
