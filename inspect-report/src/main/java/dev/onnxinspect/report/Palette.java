package dev.onnxinspect.report;

/**
 * Categorical colours for lines and legends. Choice: Paul Tol's "muted" scheme (nine colours designed to stay
 * distinct for colour-blind readers) plus dark grey; from the eleventh series on the colours repeat with a dash
 * pattern, so no two of the first 30 series look alike.
 */
public final class Palette {
    private static final String[] COLORS = {
        "#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#882255", "#aa4499", "#555555",
    };
    private static final String[] DASHES = {"", "6 3", "2 2"};

    private Palette() {}

    /** The colour of series {@code index} (>= 0). */
    public static String color(int index) {
        return COLORS[checked(index) % COLORS.length];
    }

    /** The SVG {@code stroke-dasharray} of series {@code index}; empty for a solid line. */
    public static String dash(int index) {
        return DASHES[(checked(index) / COLORS.length) % DASHES.length];
    }

    private static int checked(int index) {
        if (index < 0) {
            throw new ReportException("Series index must be >= 0, got " + index);
        }
        return index;
    }
}
