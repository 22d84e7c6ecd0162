/**
 * Keeps documented figures true: the experiment samples write their measured figures as Markdown fragments, and
 * {@link dev.onnxinspect.samples.docs.DocFragments} splices a fragment between marker comments of a document
 * ({@code scripts/regenerate-doc-figures.sh} reruns the samples and splices their fragments into the README and
 * {@code docs/results-dynamics.md}), so no figure there is typed by hand.
 */
package dev.onnxinspect.samples.docs;
