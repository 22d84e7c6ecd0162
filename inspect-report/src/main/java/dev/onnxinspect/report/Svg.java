package dev.onnxinspect.report;

/**
 * A tiny writer of SVG markup. Attribute values and text are always escaped ({@link Html#escape}); numbers are
 * printed with at most two decimals in the ROOT locale (a decimal comma would break the markup). Mutable, one
 * per chart; not thread-safe.
 */
final class Svg {
    private final StringBuilder out = new StringBuilder();

    /**
     * Opens the root element. The chart is drawn at its natural size and shrinks with a narrower page, keeping its
     * aspect ratio (see report.css).
     *
     * @param kind the {@code data-chart} value the browser test looks for
     * @param id   the element id, unique in the page
     */
    static Svg chart(String kind, String id, double width, double height, String label) {
        Svg svg = new Svg();
        svg.open(
                "svg",
                "xmlns",
                "http://www.w3.org/2000/svg",
                "class",
                "chart",
                "data-chart",
                kind,
                "id",
                id,
                "width",
                num(width),
                "height",
                num(height),
                "viewBox",
                "0 0 " + num(width) + " " + num(height),
                "role",
                "img",
                "aria-label",
                label);
        return svg;
    }

    /** Opens an element; {@code attributes} alternate name and value, empty values are left out. */
    Svg open(String tag, String... attributes) {
        start(tag, attributes);
        out.append('>');
        return this;
    }

    /** An element without content. */
    Svg empty(String tag, String... attributes) {
        start(tag, attributes);
        out.append("/>");
        return this;
    }

    /** An element holding escaped text. */
    Svg element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    /** A rectangle with a hover tooltip (an SVG {@code <title>} child); an empty title adds none. */
    Svg rect(double x, double y, double width, double height, String fill, String title) {
        String[] attributes = {"x", num(x), "y", num(y), "width", num(width), "height", num(height), "fill", fill};
        if (title.isEmpty()) {
            return empty("rect", attributes);
        }
        return open("rect", attributes).element("title", title).close("rect");
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        return empty("line", "x1", num(x1), "y1", num(y1), "x2", num(x2), "y2", num(y2), "class", cssClass);
    }

    Svg text(String text) {
        out.append(Html.escape(text));
        return this;
    }

    Svg close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** Closes the root element and returns the markup. */
    String finish() {
        close("svg");
        return out.toString();
    }

    /** A number rounded to at most two decimals, no trailing zeros, ROOT style ("12.5", "3", "-0.25", never "-0"). */
    static String num(double value) {
        if (!Double.isFinite(value)) {
            throw new ReportException("SVG coordinates must be finite, got " + value);
        }
        long hundredths = Math.round(value * 100);
        if (hundredths == 0) {
            return "0";
        }
        long magnitude = Math.abs(hundredths);
        StringBuilder text = new StringBuilder(12);
        text.append(hundredths < 0 ? "-" : "").append(magnitude / 100);
        long fraction = magnitude % 100;
        if (fraction != 0) {
            text.append('.').append(fraction < 10 ? "0" : "").append(fraction % 10 == 0 ? fraction / 10 : fraction);
        }
        return text.toString();
    }

    private void start(String tag, String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("Attributes come in name/value pairs, got " + attributes.length);
        }
        out.append('<').append(tag);
        for (int i = 0; i < attributes.length; i += 2) {
            if (!attributes[i + 1].isEmpty()) {
                out.append(' ')
                        .append(attributes[i])
                        .append("=\"")
                        .append(Html.escape(attributes[i + 1]))
                        .append('"');
            }
        }
    }
}
