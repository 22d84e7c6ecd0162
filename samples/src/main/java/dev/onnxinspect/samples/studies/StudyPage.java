package dev.onnxinspect.samples.studies;

import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.report.Html;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The results page of one study run: {@code index.html} (self-contained: inline SVG and CSS, no script, no network,
 * the same Content-Security-Policy as the audit report) and {@code summary.md} (the same claims, parameters and
 * tables, without the figures). Every figure on it comes from the run that writes it. Built section by section in the
 * order of the calls; not thread-safe.
 */
public final class StudyPage {
    /** The names of the two files {@link #write} creates in its directory. */
    public static final String HTML = "index.html";

    public static final String MARKDOWN = "summary.md";

    private static final String CSS = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}"
            + "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:32px}"
            + ".grid{display:flex;flex-wrap:wrap;gap:12px}table{border-collapse:collapse;font-size:12px;margin:8px 0}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
            + "td:first-child,th:first-child{text-align:left}p.note{color:#555;font-size:13px}"
            + "td.supported{background:#e6f4e6}td.not-supported{background:#fbe3e3}td.inconclusive{background:#f6f1dc}"
            + "table.claims td{text-align:left;vertical-align:top}"
            + "ul.legend{list-style:none;padding:0;margin:4px 0;font-size:12px}ul.legend li{display:inline-block;"
            + "margin-right:12px}figure figure{margin:0}";

    private final String title;
    private final String source;
    private final List<String[]> parameters = new ArrayList<>();
    private final List<Claim> claims = new ArrayList<>();
    private final StringBuilder html = new StringBuilder();
    private final StringBuilder markdown = new StringBuilder();

    private StudyPage(String title, String source) {
        this.title = title;
        this.source = source;
    }

    /**
     * A page titled {@code title} for the study described in {@code source} (the paper or work it reproduces, as
     * the page should cite it).
     */
    public static StudyPage create(String title, String source) {
        if (title == null || title.isBlank() || source == null || source.isBlank()) {
            throw new IllegalArgumentException("a study page needs a non-blank title and source");
        }
        return new StudyPage(title, source);
    }

    /** A row of the run's parameters (data, sizes, epochs, seed, wall time...) at the top of the page. */
    public StudyPage parameter(String name, Object value) {
        parameters.add(new String[] {name, String.valueOf(value)});
        return this;
    }

    /** A claim with its measured figure and verdict; the claims are listed in one table near the top. */
    public StudyPage claim(Claim claim) {
        claims.add(claim);
        return this;
    }

    /** A paragraph of text (escaped). */
    public StudyPage paragraph(String text) {
        html.append("<p class=\"note\">").append(Html.escape(text)).append("</p>");
        markdown.append(text).append("\n\n");
        return this;
    }

    /** A section heading. */
    public StudyPage section(String heading) {
        html.append("<h2>").append(Html.escape(heading)).append("</h2>");
        markdown.append("## ").append(heading).append("\n\n");
        return this;
    }

    /**
     * A row of figures: each an {@code <svg>} element rendered by the caller (the report's and the dynamics' chart
     * classes escape their text). The Markdown summary lists their captions only.
     */
    public StudyPage figures(List<String> captions, List<String> svgs) {
        if (captions.size() != svgs.size()) {
            throw new IllegalArgumentException(captions.size() + " captions for " + svgs.size() + " figures");
        }
        html.append("<div class=\"grid\">");
        for (int i = 0; i < svgs.size(); i++) {
            html.append(figure(captions.get(i), svgs.get(i)));
            markdown.append("- figure (in ")
                    .append(HTML)
                    .append("): ")
                    .append(captions.get(i))
                    .append('\n');
        }
        html.append("</div>");
        markdown.append('\n');
        return this;
    }

    /** A table under {@code heading}; every cell is escaped (HTML) or has its pipes escaped (Markdown). */
    public StudyPage table(String heading, List<String> header, List<List<String>> rows) {
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(
                        "table '" + heading + "': a row of " + row.size() + " cells for " + header.size() + " columns");
            }
        }
        html.append("<h3>").append(Html.escape(heading)).append("</h3>").append(htmlTable(header, rows, ""));
        markdown.append("### ")
                .append(heading)
                .append("\n\n")
                .append(markdownTable(header, rows))
                .append('\n');
        return this;
    }

    /** The claims, in the order they were added. */
    public List<Claim> claims() {
        return List.copyOf(claims);
    }

    /** The HTML page. */
    public String renderHtml() {
        StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src"
                        + " 'unsafe-inline'; img-src data:\">")
                .append("<title>")
                .append(Html.escape(title))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body><h1>")
                .append(Html.escape(title))
                .append("</h1><p class=\"note\">Reproduces: ")
                .append(Html.escape(source))
                .append(". Every figure on this page was computed by the run that wrote it.</p>");
        if (!parameters.isEmpty()) {
            page.append("<h2>Run</h2>")
                    .append(htmlTable(
                            List.of("parameter", "value"),
                            parameters.stream().map(List::of).toList(),
                            ""));
        }
        page.append("<h2>Claims</h2>").append(claimsHtml());
        return page.append(html).append("</body></html>\n").toString();
    }

    /** The Markdown summary. */
    public String renderMarkdown() {
        StringBuilder md = new StringBuilder("# ")
                .append(title)
                .append("\n\nReproduces: ")
                .append(source)
                .append(". Every figure here was computed by the run that wrote it.\n\n");
        if (!parameters.isEmpty()) {
            md.append("## Run\n\n")
                    .append(markdownTable(
                            List.of("parameter", "value"),
                            parameters.stream().map(List::of).toList()))
                    .append('\n');
        }
        md.append("## Claims\n\n")
                .append(markdownTable(
                        List.of("claim", "measured", "verdict", "rule"),
                        claims.stream()
                                .map(c -> List.of(
                                        c.statement(), c.measured(), c.verdict().label(), c.rule()))
                                .toList()))
                .append('\n');
        return md.append(markdown).toString();
    }

    /**
     * Writes {@link #HTML} and {@link #MARKDOWN} into {@code directory} (created when missing), each atomically
     * ({@link AtomicFiles}: a temporary name, then a rename).
     */
    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        AtomicFiles.write(directory.resolve(HTML), renderHtml().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(directory.resolve(MARKDOWN), renderMarkdown().getBytes(StandardCharsets.UTF_8));
    }

    private String claimsHtml() {
        StringBuilder t = new StringBuilder(
                "<table class=\"claims\"><tr><th>claim</th><th>measured</th><th>verdict</th>" + "<th>rule</th></tr>");
        for (Claim c : claims) {
            t.append("<tr><td>")
                    .append(Html.escape(c.statement()))
                    .append("</td><td>")
                    .append(Html.escape(c.measured()))
                    .append("</td><td class=\"")
                    .append(c.verdict().label().replace(' ', '-'))
                    .append("\">")
                    .append(Html.escape(c.verdict().label()))
                    .append("</td><td>")
                    .append(Html.escape(c.rule()))
                    .append("</td></tr>");
        }
        return t.append("</table>").toString();
    }

    private static String htmlTable(List<String> header, List<List<String>> rows, String cssClass) {
        StringBuilder t = new StringBuilder(cssClass.isEmpty() ? "<table>" : "<table class=\"" + cssClass + "\">");
        t.append("<tr>");
        header.forEach(h -> t.append("<th>").append(Html.escape(h)).append("</th>"));
        t.append("</tr>");
        for (List<String> row : rows) {
            t.append("<tr>");
            row.forEach(c -> t.append("<td>").append(Html.escape(c)).append("</td>"));
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static String markdownTable(List<String> header, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("| ");
        t.append(String.join(" | ", header.stream().map(StudyPage::cell).toList()))
                .append(" |\n|");
        header.forEach(h -> t.append("---|"));
        t.append('\n');
        for (List<String> row : rows) {
            t.append("| ")
                    .append(String.join(" | ", row.stream().map(StudyPage::cell).toList()))
                    .append(" |\n");
        }
        return t.toString();
    }

    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /**
     * One figure with the study's caption. A chart that comes already wrapped in a {@code <figure>} with its own
     * (short) caption keeps its wrapper, and the study's caption replaces that one, so each figure shows one caption.
     */
    static String figure(String caption, String chart) {
        String open = "<figcaption>";
        String close = "</figcaption>";
        int start = chart.indexOf(open);
        int end = start < 0 ? -1 : chart.indexOf(close, start);
        if (chart.startsWith("<figure") && start >= 0 && end >= 0) {
            return chart.substring(0, start + open.length()) + Html.escape(caption) + chart.substring(end);
        }
        return "<figure>" + chart + open + Html.escape(caption) + close + "</figure>";
    }
}
