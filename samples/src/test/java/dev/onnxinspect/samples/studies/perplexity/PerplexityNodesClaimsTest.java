package dev.onnxinspect.samples.studies.perplexity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onnxinspect.samples.studies.Claim;
import dev.onnxinspect.samples.studies.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerplexityNodesClaimsTest {
    @Test
    void aTrendHoldsOnlyWhenEveryNetworkShowsIt() {
        assertThat(PerplexityNodesClaims.verdict(1, new double[] {0.9, 0.6}, false))
                .isEqualTo(Verdict.SUPPORTED);
        // one network at 0.4: not every one above 0.5, median 0.65 > 0: inconclusive
        assertThat(PerplexityNodesClaims.verdict(1, new double[] {0.9, 0.4}, false))
                .isEqualTo(Verdict.INCONCLUSIVE);
        // median (0.2 + -0.3) / 2 = -0.05 <= 0
        assertThat(PerplexityNodesClaims.verdict(1, new double[] {0.2, -0.3}, false))
                .isEqualTo(Verdict.NOT_SUPPORTED);
        // a falling trend mirrors it
        assertThat(PerplexityNodesClaims.verdict(-1, new double[] {-0.9, -0.6}, false))
                .isEqualTo(Verdict.SUPPORTED);
        assertThat(PerplexityNodesClaims.verdict(-1, new double[] {0.0, 0.0}, false))
                .isEqualTo(Verdict.NOT_SUPPORTED);
        assertThat(PerplexityNodesClaims.verdict(1, new double[] {1, 1}, true)).isEqualTo(Verdict.INCONCLUSIVE);
    }

    @Test
    void claimsOfAHandMadeGridFollowTheirRules() {
        // two 3-layer networks of a depth series 1..3 (width 2) whose trained sparsity grows with the layer, whose
        // perplexity is constant (no trend) and whose layer accuracy falls; untrained layers have no class-specific
        // neuron, trained ones do.
        GridSettings settings = new GridSettings(List.of(1, 2, 3), 2, List.of(), 3, 10, 1, 10, 10, 10);
        List<ModelFigures> results = new ArrayList<>();
        for (GridModel m : settings.models()) {
            List<LayerFigures> trained = new ArrayList<>();
            List<LayerFigures> untrained = new ArrayList<>();
            for (int l = 1; l <= m.depth(); l++) {
                trained.add(layer(l, 0.5 - 0.1 * l - 0.05 * m.depth(), 1.0, 1.0, 0.9 - 0.1 * l));
                untrained.add(layer(l, 0.5, 0.0, 1.0, 0.1));
            }
            results.add(new ModelFigures(m, 0.9, 0.8, 1, false, untrained, trained));
        }
        List<Claim> claims = PerplexityNodesClaims.all(results, settings, false).stream()
                .map(PerplexityNodesClaims.Judged::claim)
                .toList();
        assertThat(claims).hasSize(5);
        assertThat(claims.get(0).verdict()).isEqualTo(Verdict.SUPPORTED); // sparsity 0.45.. grows with the layer
        assertThat(claims.get(0).measured()).contains("d3-w2 rho 1.00");
        assertThat(claims.get(1).verdict()).isEqualTo(Verdict.SUPPORTED); // mean sparsity grows with D
        assertThat(claims.get(2).verdict()).isEqualTo(Verdict.SUPPORTED); // class-specific 1.0 vs 0.0 in 6 of 6
        assertThat(claims.get(2).measured()).startsWith("trained > untrained in 6 of 6 layers");
        assertThat(claims.get(3).verdict()).isEqualTo(Verdict.NOT_SUPPORTED); // constant P/N_c: rho 0
        assertThat(claims.get(4).verdict()).isEqualTo(Verdict.NOT_SUPPORTED); // accuracy falls: rho -1
        List<PerplexityNodesClaims.Judged> judged = PerplexityNodesClaims.all(results, settings, false);
        assertThat(judged.get(0).headline())
                .isEqualTo("sparsity grows over the layers: supported (trained rho 1.00 to 1.00)");
        assertThat(judged.get(2).headline())
                .isEqualTo("more class-specific neurons after training: supported (6 of 6 layers)");
        assertThat(PerplexityNodesClaims.all(results, settings, true))
                .extracting(j -> j.claim().verdict())
                .containsOnly(Verdict.INCONCLUSIVE);
    }

    private static LayerFigures layer(int index, double active, double classSpecific, double relative, double acc) {
        int[] h = new int[100];
        h[(int) (active * 99)] = 10;
        return new LayerFigures(
                "dense" + index + "/relu", index, 2, active, active, classSpecific, 5, relative, acc, acc, h, h);
    }
}
