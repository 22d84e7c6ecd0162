package dev.onnxinspect.report;

import java.util.List;

/** Wraps a chart's SVG in a {@code <figure>} with an escaped caption and an optional HTML legend. */
final class Figure {
    /** One legend entry: a line sample in the series' colour and dash, and its label. */
    record LegendEntry(String label, String color, String dash) {}

    private Figure() {}

    static String of(String caption, String svg, List<LegendEntry> legend) {
        StringBuilder html = new StringBuilder("<figure class=\"figure\"><figcaption>")
                .append(Html.escape(caption))
                .append("</figcaption>")
                .append(svg);
        if (!legend.isEmpty()) {
            html.append("<ul class=\"legend\">");
            for (LegendEntry entry : legend) {
                html.append("<li><svg width=\"22\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\""
                                + " y1=\"5\" x2=\"21\" y2=\"5\" stroke=\"")
                        .append(Html.escape(entry.color()))
                        .append("\" stroke-width=\"2.5\"");
                if (!entry.dash().isEmpty()) {
                    html.append(" stroke-dasharray=\"")
                            .append(Html.escape(entry.dash()))
                            .append('"');
                }
                html.append("/></svg>").append(Html.escape(entry.label())).append("</li>");
            }
            html.append("</ul>");
        }
        return html.append("</figure>").toString();
    }
}
