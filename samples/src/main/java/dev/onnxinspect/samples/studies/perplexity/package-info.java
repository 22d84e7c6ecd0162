/**
 * The study {@code perplexity-nodes} (issue 18): sparsity, S1/S2 class-wise frequency histograms, layer perplexity and
 * nodes as classifiers over a depth/width grid of MLPs, trained vs untrained.
 * {@link dev.onnxinspect.samples.studies.perplexity.PerplexityNodesStudy} runs it: {@code GridSettings} says what is
 * trained, {@code ModelCache} trains or reloads each model, {@code LayerMeasurement} runs the library's accumulators on
 * both states, {@code PerplexityNodesClaims} judges the claims.
 */
package dev.onnxinspect.samples.studies.perplexity;
