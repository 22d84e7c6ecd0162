/**
 * The self-contained HTML report (issue 8). Fill a {@link dev.onnxinspect.report.ReportData} from the
 * inspection results with its builder, then call
 * {@link dev.onnxinspect.report.HtmlReport#write(ReportData, java.nio.file.Path)}. The page has inline CSS
 * and inline SVG only (no script, no external resource) and opens offline. {@link dev.onnxinspect.report.ReportAssembler}
 * does both for an {@code AuditResult}. A module of its own (inspect-report, on onnx-io and inspect-core alone), so
 * that the command line (samples) and inspect-spark write the same report.
 *
 * <p>The report keeps its own plain data model (records in this package) so that it depends on no statistic's
 * internals: the caller converts results into these records. Every record validates its values (fractions in
 * [0, 1], matching sizes) and copies arrays in and out.
 */
package dev.onnxinspect.report;
