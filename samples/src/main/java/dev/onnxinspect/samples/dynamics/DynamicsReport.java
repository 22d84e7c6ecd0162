package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.LayerWeightNorm;
import dev.onnxinspect.dynamics.PathKind;
import dev.onnxinspect.dynamics.PathSimilarityResult;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.io.AtomicFiles;
import dev.onnxinspect.report.Html;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page (inline SVG and CSS, no script, no network) on training dynamics: per model and layer,
 * box plots per checkpoint step of the self, cross-pattern and cross-activation path similarities (SPEC §9); per
 * model the weight norm and distance from initialisation per layer over the steps (SPEC §10); comparisons of the
 * total distance from initialisation across runs; and free tables (e.g. measured figures). Built with
 * {@link #create(String)} and filled section by section; not thread-safe; the rendered page is a plain string.
 */
public final class DynamicsReport {
    private static final String CSS = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}"
            + "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:32px}h3{font-size:15px}"
            + ".grid{display:flex;flex-wrap:wrap;gap:12px}table{border-collapse:collapse;font-size:12px;margin:8px 0}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
            + "td:first-child,th:first-child{text-align:left}p.note{color:#555;font-size:13px}";

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> parameters = new ArrayList<>();

    private DynamicsReport(String title) {
        this.title = title;
    }

    public static DynamicsReport create(String title) {
        if (title == null || title.isBlank()) {
            throw new DynamicsException("a report needs a non-blank title");
        }
        return new DynamicsReport(title);
    }

    /** Adds a row to the run parameters table at the top of the page. */
    public DynamicsReport parameter(String name, Object value) {
        parameters.add(new String[] {name, String.valueOf(value)});
        return this;
    }

    /**
     * Adds a model's path similarity box plots (one row of three charts per layer) and its per-layer weight charts.
     */
    public DynamicsReport model(String label, DynamicsResult result) {
        body.append("<h2>")
                .append(Html.escape(label))
                .append(": path similarities (SPEC \u00a79)</h2>")
                .append("<p class=\"note\">Per checkpoint step t: distribution over probe samples (self) or sampled"
                        + " pairs (cross) of the cosine between checkpoints t-1 and t. Box = quartiles, red line ="
                        + " median, whiskers = min and max. Hover a box for its figures.</p>");
        for (PathSimilarityResult layer : result.paths()) {
            body.append("<h3>")
                    .append(Html.escape(layer.layer()))
                    .append(" (")
                    .append(layer.units())
                    .append(" units, ")
                    .append(layer.samples())
                    .append(" probe samples, ")
                    .append(layer.pairs().size())
                    .append(layer.pairs().complete() ? " pairs: all" : " sampled pairs")
                    .append(")</h3>");
            body.append("<div class=\"grid\">");
            for (PathKind kind : PathKind.values()) {
                body.append(SvgCharts.boxPlots(layer.layer() + ": " + kind.tableName(), layer.summaries(kind)));
            }
            body.append("</div>");
        }
        return weights(label, result.weights());
    }

    /** Adds the weight norm and distance from initialisation per layer (and in total) over the steps. */
    public DynamicsReport weights(String label, WeightTrajectory weights) {
        body.append("<h2>").append(Html.escape(label)).append(": weights (SPEC \u00a710)</h2><div class=\"grid\">");
        body.append(SvgCharts.lines(
                label + ": ||theta_t|| per layer",
                "L2 norm",
                perLayer(weights, LayerWeightNorm::norm, WeightNorms::totalNorm)));
        body.append(SvgCharts.lines(
                label + ": ||theta_t - theta_0|| per layer",
                "distance from init",
                perLayer(weights, LayerWeightNorm::distanceFromInit, WeightNorms::totalDistanceFromInit)));
        body.append("</div>");
        return this;
    }

    /** Adds one chart of the total distance from initialisation of several runs (one line per run). */
    public DynamicsReport distanceComparison(String heading, Map<String, WeightTrajectory> runs) {
        var series = new ArrayList<SvgCharts.Series>();
        runs.forEach((run, w) -> series.add(total(run, w, WeightNorms::totalDistanceFromInit)));
        body.append("<h2>")
                .append(Html.escape(heading))
                .append("</h2><div class=\"grid\">")
                .append(SvgCharts.lines(heading, "||theta_t - theta_0||", series))
                .append("</div>");
        return this;
    }

    /** Adds a table; every cell is escaped. */
    public DynamicsReport table(String heading, List<String> header, List<List<String>> rows) {
        body.append("<h2>").append(Html.escape(heading)).append("</h2>").append(table(header, rows));
        return this;
    }

    /** The page. */
    public String render() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src"
                        + " 'unsafe-inline'; img-src data:\">")
                .append("<title>")
                .append(Html.escape(title))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body><h1>")
                .append(Html.escape(title))
                .append("</h1>");
        if (!parameters.isEmpty()) {
            html.append(table(
                    List.of("parameter", "value"),
                    parameters.stream().map(List::of).toList()));
        }
        return html.append(body).append("</body></html>\n").toString();
    }

    /**
     * Writes the page to {@code file} atomically ({@link AtomicFiles}: temporary name, then rename; the permissions
     * of a normally created file), creating missing parent directories.
     */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, render().getBytes(StandardCharsets.UTF_8));
    }

    private static List<SvgCharts.Series> perLayer(
            WeightTrajectory weights,
            ToDoubleFunction<LayerWeightNorm> value,
            ToDoubleFunction<WeightNorms> totalValue) {
        Map<String, double[]> ys = new LinkedHashMap<>();
        int n = weights.checkpoints().size();
        int[] steps = weights.checkpoints().stream().mapToInt(WeightNorms::step).toArray();
        for (int k = 0; k < n; k++) {
            for (LayerWeightNorm l : weights.checkpoints().get(k).layers()) {
                ys.computeIfAbsent(l.layer(), name -> new double[n])[k] = value.applyAsDouble(l);
            }
        }
        var series = new ArrayList<SvgCharts.Series>();
        ys.forEach((layer, y) -> series.add(new SvgCharts.Series(layer, steps, y)));
        series.add(total(WeightNormsCsv.TOTAL, weights, totalValue));
        return series;
    }

    private static SvgCharts.Series total(String name, WeightTrajectory weights, ToDoubleFunction<WeightNorms> value) {
        return new SvgCharts.Series(
                name,
                weights.checkpoints().stream().mapToInt(WeightNorms::step).toArray(),
                weights.checkpoints().stream().mapToDouble(value).toArray());
    }

    private static String table(List<String> header, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("<table><tr>");
        header.forEach(h -> t.append("<th>").append(Html.escape(h)).append("</th>"));
        t.append("</tr>");
        for (List<String> row : rows) {
            t.append("<tr>");
            row.forEach(c -> t.append("<td>").append(Html.escape(c)).append("</td>"));
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }
}
