package dev.onnxinspect.audit;

import dev.onnxinspect.stats.ClassProfiles;
import dev.onnxinspect.stats.FrequencyTable;
import dev.onnxinspect.stats.InteractionFrequencies;
import dev.onnxinspect.stats.KlDivergence;
import dev.onnxinspect.stats.KlMatrix;
import dev.onnxinspect.stats.LayerStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SPEC §4 class-wise KL entries of an audit, from the statistics of its datasets: per layer on the S1 and S2
 * profiles and per dense layer on the interaction profiles, within every dataset, the ID set (the first) against
 * each OOD set in both directions, and within the fit set; the layers whose matrices fit the memory budget (the
 * audit's memory rule, {@link MemoryPlan#klLayers}). The single-machine audit and the distributed inspection
 * (inspect-spark) both derive their KL entries here, so that the same statistics give the same rows.
 */
public final class ClassKl {
    private ClassKl() {}

    /**
     * The KL entries of an audit.
     *
     * @param layers   the inspected layers, in inspection order
     * @param datasets the evaluated datasets, the ID set first
     * @param fit      the fit set's statistics, or null
     * @param alpha    the smoothing of SPEC §4
     * @param budget   the memory budget B of the memory rule, in bytes
     * @param params   receives the rule's decisions ({@code kl_skipped.<layer>}, {@code memory_estimate.kl})
     */
    public static List<KlRow> rows(
            List<String> layers,
            List<DatasetResult> datasets,
            DatasetResult fit,
            double alpha,
            long budget,
            Map<String, String> params) {
        Set<String> klKeys = MemoryPlan.klLayers(klRows(layers, datasets, fit), budget, params);
        List<String> klLayers = layers.stream().filter(klKeys::contains).toList();
        List<KlRow> kl = klRows(klLayers, datasets, alpha, klKeys);
        if (fit != null) {
            kl.addAll(klWithin(klLayers, fit, alpha, klKeys));
        }
        return kl;
    }

    /**
     * SPEC §4 on the S1 and S2 profiles of every layer and on the interaction profiles of the dense layers whose key
     * ({@link #klKey}) is in {@code keys}: within each dataset, and ID vs each OOD set both ways.
     */
    private static List<KlRow> klRows(
            List<String> layers, List<DatasetResult> datasets, double alpha, Set<String> keys) {
        List<KlRow> rows = new ArrayList<>();
        for (String layer : layers) {
            klRows(rows, layer, "S1", datasets, alpha);
            klRows(rows, layer, "S2", datasets, alpha);
        }
        for (String layer : datasets.get(0).interactions().keySet()) {
            if (keys == null || keys.contains(klKey(layer, "interaction"))) {
                klRows(rows, layer, "interaction", datasets, alpha);
            }
        }
        return rows;
    }

    /** SPEC §4 within one dataset only (the fit set), for the same layers and quantities as {@link #klRows}. */
    private static List<KlRow> klWithin(List<String> layers, DatasetResult d, double alpha, Set<String> keys) {
        List<KlRow> rows = new ArrayList<>();
        for (String layer : layers) {
            for (String quantity : List.of("S1", "S2")) {
                within(rows, layer, quantity, d, alpha);
            }
        }
        for (String layer : d.interactions().keySet()) {
            if (keys.contains(klKey(layer, "interaction"))) {
                within(rows, layer, "interaction", d, alpha);
            }
        }
        return rows;
    }

    /** The memory rule's key of a layer's KL matrices: the layer for S1 and S2, "layer (interaction)". */
    private static String klKey(String layer, String quantity) {
        return quantity.equals("interaction") ? layer + " (interaction)" : layer;
    }

    /**
     * The entries the KL matrices of each layer would have (S1 and S2 together; a dense layer's interaction profiles
     * apart), from the classes of every table: |P|^2 within a dataset, 2 |P_id| |P_ood| between the ID set and an
     * OOD set, |P_fit|^2 within the fit set.
     */
    private static Map<String, Long> klRows(List<String> layers, List<DatasetResult> datasets, DatasetResult fit) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String layer : layers) {
            rows.put(klKey(layer, "S1"), 2 * klEntries(layer, "S1", datasets, fit));
        }
        for (String layer : datasets.get(0).interactions().keySet()) {
            rows.put(klKey(layer, "interaction"), klEntries(layer, "interaction", datasets, fit));
        }
        return rows;
    }

    private static long klEntries(String layer, String quantity, List<DatasetResult> datasets, DatasetResult fit) {
        long entries = 0;
        long id = classes(datasets.get(0), layer, quantity);
        for (int i = 0; i < datasets.size(); i++) {
            long p = classes(datasets.get(i), layer, quantity);
            entries += p * p + (i == 0 ? 0 : 2 * id * p); // within, and the ID set vs each OOD set both ways
        }
        long f = fit == null ? 0 : classes(fit, layer, quantity);
        return entries + f * f;
    }

    private static long classes(DatasetResult d, String layer, String quantity) {
        FrequencyTable table = table(d, layer, quantity);
        return table == null ? 0 : table.classIds().length;
    }

    private static void within(List<KlRow> rows, String layer, String quantity, DatasetResult d, double alpha) {
        FrequencyTable table = table(d, layer, quantity);
        if (table != null && !table.isEmpty()) {
            add(rows, layer, quantity, KlDivergence.within(ClassProfiles.of(table, alpha), d.name()));
        }
    }

    private static void klRows(
            List<KlRow> rows, String layer, String quantity, List<DatasetResult> datasets, double alpha) {
        DatasetResult id = datasets.get(0);
        Map<String, ClassProfiles> profiles = new LinkedHashMap<>();
        for (DatasetResult d : datasets) {
            FrequencyTable table = table(d, layer, quantity);
            if (table != null && !table.isEmpty()) {
                profiles.put(d.name(), ClassProfiles.of(table, alpha));
            }
        }
        profiles.forEach((name, p) -> add(rows, layer, quantity, KlDivergence.within(p, name)));
        ClassProfiles idProfiles = profiles.get(id.name());
        if (idProfiles == null) {
            return;
        }
        for (DatasetResult ood : datasets.subList(1, datasets.size())) {
            ClassProfiles q = profiles.get(ood.name());
            if (q != null) {
                add(rows, layer, quantity, KlDivergence.between(idProfiles, id.name(), q, ood.name()));
                add(rows, layer, quantity, KlDivergence.between(q, ood.name(), idProfiles, id.name()));
            }
        }
    }

    private static FrequencyTable table(DatasetResult d, String layer, String quantity) {
        if (quantity.equals("interaction")) {
            InteractionFrequencies f = d.interactions().get(layer);
            return f == null ? null : f.table();
        }
        LayerStatistics s = d.layers().get(layer);
        if (s == null || s.frequencies().isEmpty()) {
            return null;
        }
        return quantity.equals("S1")
                ? s.frequencies().s1Table()
                : s.frequencies().s2Table();
    }

    private static void add(List<KlRow> rows, String layer, String quantity, KlMatrix m) {
        int[] p = m.pClasses();
        int[] q = m.qClasses();
        double[][] v = m.values();
        for (int r = 0; r < p.length; r++) {
            for (int c = 0; c < q.length; c++) {
                rows.add(new KlRow(layer, quantity, m.pLabel(), p[r], m.qLabel(), q[c], v[r][c]));
            }
        }
    }
}
