package dev.onnxinspect.audit;

import dev.onnxinspect.ood.OodDetector;
import java.util.Objects;

/**
 * One detector score column of an audit.
 *
 * @param name     the detector's name in its suite (e.g. {@code nap_hamming[dense1/relu]})
 * @param detector the detector without the layer (e.g. {@code nap_hamming})
 * @param layer    the layer of a per-layer detector, null otherwise
 */
public record ScoreColumn(String name, String detector, String layer) {
    public ScoreColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detector, "detector");
    }

    /**
     * The score column of a fitted detector: its suite name, the name without the layer suffix (per-layer detectors
     * are named {@code name[layer]}) and its layer.
     */
    public static ScoreColumn of(OodDetector detector) {
        String name = detector.name();
        String layer = detector.layer().orElse(null);
        String bare = layer != null && name.endsWith("[" + layer + "]")
                ? name.substring(0, name.length() - layer.length() - 2)
                : name;
        return new ScoreColumn(name, bare, layer);
    }

    /** The column name in the scores table: the detector, or {@code detector@layer} (SPEC §12). */
    public String tableColumn() {
        return layer == null ? detector : tableColumn(detector, layer);
    }

    /** The scores table's name of a per-layer detector's column: {@code detector@layer}. */
    public static String tableColumn(String detector, String layer) {
        return detector + "@" + layer;
    }
}
