package dev.onnxinspect.samples.dynamics;

import dev.onnxinspect.dynamics.DynamicsException;
import dev.onnxinspect.dynamics.LayerWeightNorm;
import dev.onnxinspect.dynamics.WeightNorms;
import dev.onnxinspect.dynamics.WeightTrajectory;
import dev.onnxinspect.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes per-layer weight norms (SPEC §10) as {@code weight_norms.csv}: columns {@code run_id, step, layer,
 * weight_norm, distance_from_init}, one row per run x checkpoint x layer plus one row per run x checkpoint with
 * layer {@value #TOTAL} for the whole model. Numbers are written with {@link Double#toString(double)} (they read
 * back to the same double).
 *
 * <p>Choice: SPEC §12 has no table for per-layer weight norms (its {@code training_history} holds the totals), and
 * arrow-export's generic table machinery is package-private, so this extra table is a small CSV beside the Arrow
 * files rather than an Arrow file. Written to a temporary name and renamed when complete, like the Arrow tables.
 */
public final class WeightNormsCsv {
    /** The file name. */
    public static final String FILE = "weight_norms.csv";
    /** The layer value of the whole-model rows. */
    public static final String TOTAL = "total";
    /** The header line. */
    public static final String HEADER = "run_id,step,layer,weight_norm,distance_from_init";

    private WeightNormsCsv() {}

    /**
     * Writes {@code <directory>/weight_norms.csv} for the runs, in map order.
     *
     * @throws DynamicsException when a run id or layer name contains a comma, quote or line break, or a layer is
     *                           called {@value #TOTAL}
     */
    public static Path write(Path directory, Map<String, WeightTrajectory> runs) throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (var run : runs.entrySet()) {
            String id = plain(run.getKey(), "run id");
            for (String layer : run.getValue().layers()) {
                if (plain(layer, "layer name").equals(TOTAL)) {
                    throw new DynamicsException("a weight layer is called '" + TOTAL + "', which " + FILE
                            + " uses for the whole-model rows; rename the initializer");
                }
            }
            for (WeightNorms norms : run.getValue().checkpoints()) {
                for (LayerWeightNorm layer : norms.layers()) {
                    row(csv, id, norms.step(), layer.layer(), layer.norm(), layer.distanceFromInit());
                }
                row(csv, id, norms.step(), TOTAL, norms.totalNorm(), norms.totalDistanceFromInit());
            }
        }
        Path target = directory.resolve(FILE);
        Files.createDirectories(target.toAbsolutePath().getParent());
        AtomicFiles.write(target, csv.toString().getBytes(StandardCharsets.UTF_8));
        return target;
    }

    private static void row(StringBuilder csv, String run, int step, String layer, double norm, double distance) {
        csv.append(run)
                .append(',')
                .append(step)
                .append(',')
                .append(layer)
                .append(',')
                .append(norm)
                .append(',')
                .append(distance)
                .append('\n');
    }

    private static String plain(String text, String what) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            throw new DynamicsException("the " + what + " '" + text + "' contains a comma, quote or line break, which "
                    + FILE + " does not quote; rename it");
        }
        return text;
    }
}
