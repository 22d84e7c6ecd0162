package dev.onnxinspect.onnx;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Suggests the names closest to a misspelt one (Levenshtein distance, ties by name), for error messages such as
 * "unknown tensor 'relu_1'; closest names: [relu1, relu_2]".
 */
public final class ClosestNames {
    private ClosestNames() {}

    /** Up to {@code limit} names from {@code candidates}, closest to {@code target} first. */
    public static List<String> closest(String target, Collection<String> candidates, int limit) {
        return candidates.stream()
                .distinct()
                .sorted(Comparator.<String>comparingInt(c -> distance(target, c))
                        .thenComparing(c -> c))
                .limit(limit)
                .toList();
    }

    /** The Levenshtein edit distance (insertions, deletions and substitutions each cost 1). */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
