package dev.onnxinspect.audit;

/**
 * One entry of a class-wise KL matrix (SPEC §4): KL(P^{datasetP}_{classP} || P^{datasetQ}_{classQ}) in nats.
 *
 * @param layer    the layer
 * @param quantity the profile's units: "S1" or "S2" activation frequencies
 */
public record KlRow(
        String layer, String quantity, String datasetP, int classP, String datasetQ, int classQ, double kl) {}
