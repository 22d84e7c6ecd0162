package dev.onnxinspect.stats;

import java.util.Objects;

/**
 * KL divergences across two datasets A and B in both directions (SPEC §4; KL is not symmetric, so both are
 * kept and neither stands for the other).
 *
 * @param aToB {@code KL(P^A_c || P^B_c')}: rows A classes, columns B classes
 * @param bToA {@code KL(P^B_c || P^A_c')}: rows B classes, columns A classes
 */
public record CrossKl(KlMatrix aToB, KlMatrix bToA) {
    public CrossKl {
        Objects.requireNonNull(aToB, "aToB");
        Objects.requireNonNull(bToA, "bToA");
    }
}
