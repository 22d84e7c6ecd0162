package dev.onnxinspect.stats;

/**
 * The S1 pattern statistics of one class in one layer (SPEC §7).
 *
 * @param classId          the class id
 * @param classSize        N_c, at least 1
 * @param distinctPatterns |K(c, l)|, the number of distinct S1 patterns among the class's samples
 * @param entropy          H = -sum over patterns (n / N_c) ln(n / N_c), in nats, >= 0
 * @param perplexity       P = e^H, in [1, N_c]
 */
public record ClassPatterns(int classId, int classSize, int distinctPatterns, double entropy, double perplexity) {
    public ClassPatterns {
        if (classSize <= 0 || distinctPatterns <= 0 || distinctPatterns > classSize) {
            throw new StatsException("class " + classId + ": need 1 <= distinct patterns (" + distinctPatterns
                    + ") <= N_c (" + classSize + ")");
        }
    }
}
