package dev.onnxinspect.report;

import dev.onnxinspect.OnnxInspectException;
import dev.onnxinspect.audit.AuditResult;
import dev.onnxinspect.audit.DatasetResult;
import dev.onnxinspect.audit.DatasetRole;
import dev.onnxinspect.audit.DatasetScores;
import dev.onnxinspect.audit.MetricsRow;
import dev.onnxinspect.data.Batch;
import dev.onnxinspect.data.DataSource;
import dev.onnxinspect.data.InputTensor;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, per OOD set, the detector with the best AUROC on it (Choice: the detector a user would deploy on that
 * data; ties: the first in the metrics' order) and the {@value #PER_GALLERY} samples it finds most and least
 * anomalous, and the ID samples it finds most anomalous, then reads those samples' inputs again from their data
 * sources, by index in one streamed pass per dataset that keeps only the chosen samples: memory holds
 * 3 x {@value #PER_GALLERY} samples per OOD set, whatever the dataset's size. An image input ({@code [C, H, W]} with C
 * = 1 or 3, {@code [H, W]}, or a flat vector of a square number of at least 64 values, e.g. 784 = 28 x 28) becomes a
 * thumbnail; anything else the first {@value #VALUES_SHOWN} values of each input. Ties in the ranking go to the lower
 * sample index.
 */
final class SampleGalleries {
    static final int PER_GALLERY = 8;
    static final int VALUES_SHOWN = 12;
    private static final int BATCH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(SampleGalleries.class);

    private SampleGalleries() {}

    /**
     * The galleries of an audit.
     *
     * @param sources    the data source of a dataset by name, or null when it cannot be read again (its samples are
     *                   then shown without their inputs)
     * @param classNames the class label of a class id
     */
    static List<SampleGallery> of(AuditResult r, Function<String, DataSource> sources, IntFunction<String> classNames) {
        List<SampleGallery> galleries = new ArrayList<>();
        DatasetResult id = r.id();
        Map<String, Map<Integer, SampleInput>> inputs = new HashMap<>();
        List<Object[]> planned = new ArrayList<>();
        for (DatasetResult ood : r.ood()) {
            MetricsRow best = null;
            for (MetricsRow m : r.metrics()) {
                if (m.oodDataset().equals(ood.name())
                        && m.idDataset().equals(id.name())
                        && Double.isFinite(m.evaluation().auroc())
                        && (best == null
                                || m.evaluation().auroc() > best.evaluation().auroc())) {
                    best = m;
                }
            }
            if (best == null) {
                continue;
            }
            String column = best.column();
            int[] most = rank(ood.scores(), column, true);
            int[] least = rank(ood.scores(), column, false);
            int[] idMost = rank(id.scores(), column, true);
            planned.add(new Object[] {"most anomalous of OOD " + ood.name(), column, ood, most});
            planned.add(new Object[] {"least anomalous of OOD " + ood.name(), column, ood, least});
            planned.add(new Object[] {
                "most anomalous of ID " + id.name() + " (under the detector chosen for " + ood.name() + ")",
                column,
                id,
                idMost
            });
            for (Object[] p : planned.subList(planned.size() - 3, planned.size())) {
                DatasetResult d = (DatasetResult) p[2];
                Map<Integer, SampleInput> wanted = inputs.computeIfAbsent(d.name(), k -> new LinkedHashMap<>());
                for (int i : (int[]) p[3]) {
                    wanted.put(i, null);
                }
            }
        }
        inputs.forEach((dataset, wanted) -> {
            try {
                read(sources.apply(dataset), wanted);
            } catch (OnnxInspectException | UncheckedIOException e) {
                // the report is still worth writing: these samples are then shown without their inputs
                wanted.replaceAll((i, in) -> null);
                LOG.warn(
                        "the report shows the flagged samples of {} without their inputs: reading them again"
                                + " failed: {}",
                        dataset,
                        e.getMessage());
            }
        });
        for (Object[] p : planned) {
            DatasetResult d = (DatasetResult) p[2];
            String column = (String) p[1];
            List<SampleGallery.Sample> samples = new ArrayList<>();
            for (int i : (int[]) p[3]) {
                SampleInput in = inputs.get(d.name()).get(i);
                DatasetScores s = d.scores();
                samples.add(new SampleGallery.Sample(
                        i,
                        s.score(column, i),
                        s.label(i) >= 0 ? label(d, s.label(i), classNames) : null,
                        classNames.apply(s.prediction(i)),
                        in == null ? null : in.image(),
                        in == null ? "(input not read again)" : in.values()));
            }
            galleries.add(new SampleGallery((String) p[0], column, samples));
        }
        return galleries;
    }

    /** An OOD set's labels come from its own label space: shown as numbers, the model's class names otherwise. */
    private static String label(DatasetResult d, int label, IntFunction<String> classNames) {
        return d.role() == DatasetRole.OOD ? Integer.toString(label) : classNames.apply(label);
    }

    /** The indices of the {@value #PER_GALLERY} highest (or lowest) finite scores; ties to the lower index. */
    static int[] rank(DatasetScores scores, String column, boolean highest) {
        double[] values = scores.column(column);
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> values[i]);
        return IntStream.range(0, values.length)
                .filter(i -> !Double.isNaN(values[i]))
                .boxed()
                .sorted((highest ? byScore.reversed() : byScore).thenComparingInt(i -> i))
                .limit(PER_GALLERY)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private record SampleInput(String image, String values) {}

    private static void read(DataSource source, Map<Integer, SampleInput> wanted) {
        if (source == null || wanted.isEmpty()) {
            return;
        }
        int last = wanted.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int offset = 0;
        Iterator<Batch> batches = source.batches(BATCH);
        while (batches.hasNext() && offset <= last) {
            Batch batch = batches.next();
            for (int k = 0; k < batch.size(); k++) {
                if (wanted.containsKey(offset + k)) {
                    wanted.put(offset + k, input(batch, k));
                }
            }
            offset += batch.size();
        }
    }

    private static SampleInput input(Batch batch, int k) {
        if (batch.singleFloatInput()) {
            int[] shape = batch.sampleShape();
            int size = batch.sampleSize();
            float[] values = new float[size];
            System.arraycopy(batch.data(), k * size, values, 0, size);
            int[] chw = imageShape(shape);
            if (chw != null) {
                return new SampleInput(PngImages.image(values, chw[0], chw[1], chw[2]), "");
            }
        }
        StringBuilder text = new StringBuilder();
        for (InputTensor t : batch.inputs()) {
            long n = t.sampleSize();
            text.append(text.length() == 0 ? "" : "; ")
                    .append(batch.inputs().size() > 1 ? t.name() + ": " : "")
                    .append('[');
            for (long j = 0; j < Math.min(n, VALUES_SHOWN); j++) {
                double v = t.valueAsDouble(k * n + j);
                text.append(j == 0 ? "" : ", ")
                        .append(
                                v == Math.rint(v) && Math.abs(v) < 1e15
                                        ? Long.toString((long) v)
                                        : String.format(Locale.ROOT, "%.3g", v));
            }
            text.append(n > VALUES_SHOWN ? ", \u2026]" : "]");
        }
        return new SampleInput(null, text.toString());
    }

    /** {C, H, W} of an image sample shape, or null for a sample that is not an image. */
    static int[] imageShape(int[] shape) {
        if (shape.length == 3 && (shape[0] == 1 || shape[0] == 3) && shape[1] >= 8 && shape[2] >= 8) {
            return new int[] {shape[0], shape[1], shape[2]};
        }
        if (shape.length == 2 && shape[0] >= 8 && shape[1] >= 8) {
            return new int[] {1, shape[0], shape[1]};
        }
        if (shape.length == 1) {
            int side = (int) Math.round(Math.sqrt(shape[0]));
            if (side >= 8 && side * side == shape[0]) {
                return new int[] {1, side, side};
            }
        }
        return null;
    }
}
