package dev.onnxinspect.report;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How heavy reports are in a browser (a main class, not a test): each report file is opened {@code --reps} times in
 * headless Chromium (a fresh tab each time, the files alternating), and the time from navigation start to the end of
 * the load event plus one forced layout of the whole page is taken from the page's own Navigation Timing. Prints per
 * file its size, its element count and the load time (mean and standard deviation), and the ratio to the first file
 * (the baseline of the same run), with the load average.
 *
 * <pre>
 * mvn -o -q -pl inspect-report -am test-compile
 * java -cp inspect-report/target/test-classes dev.onnxinspect.report.ReportLoadBenchmark --reps 5 \
 *     baseline.html report.html ...
 * </pre>
 * (it needs the JDK and {@code /usr/bin/chromium} only: {@link CdpBrowser} and {@link MiniJson} use nothing else).
 */
public final class ReportLoadBenchmark {
    private static final String PROBE = """
            (() => {
              const t0 = performance.now();
              document.body.getBoundingClientRect();
              const layout = document.documentElement.scrollHeight;
              const nav = performance.getEntriesByType('navigation')[0];
              return JSON.stringify({load: nav.loadEventEnd, layoutAfter: performance.now() - t0,
                  elements: document.getElementsByTagName('*').length, height: layout});
            })()""";

    private ReportLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int reps = 5;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--reps")) {
                reps = Integer.parseInt(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: ReportLoadBenchmark [--reps N] BASELINE.html [REPORT.html ...]");
            System.exit(2);
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        double[][] times = new double[files.size()][reps];
        double[] elements = new double[files.size()];
        try (CdpBrowser browser = CdpBrowser.launch(Duration.ofMinutes(5))) {
            for (int rep = -1; rep < reps; rep++) { // rep -1 warms the browser up and is not counted
                for (int f = 0; f < files.size(); f++) {
                    browser.open(files.get(f).toUri(), 1280, 900);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) MiniJson.parse((String) browser.evaluate(PROBE));
                    if (rep >= 0) {
                        times[f][rep] = (Double) m.get("load") + (Double) m.get("layoutAfter");
                        elements[f] = (Double) m.get("elements");
                    }
                }
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        double baseline = mean(times[0]);
        System.out.printf(Locale.ROOT, "%-60s %12s %9s %18s %7s%n", "report", "bytes", "elements", "load ms", "ratio");
        for (int f = 0; f < files.size(); f++) {
            System.out.printf(
                    Locale.ROOT,
                    "%-60s %,12d %,9.0f %10.0f \u00b1 %5.0f %7.2f%n",
                    files.get(f),
                    Files.size(files.get(f)),
                    elements[f],
                    mean(times[f]),
                    sd(times[f]),
                    mean(times[f]) / baseline);
        }
        System.out.printf(Locale.ROOT, "%d repetitions; load average %.1f -> %.1f%n", reps, loadBefore, loadAfter);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
    }
}
