/**
 * The research behind the library, reproduced (issue 18): one {@link dev.onnxinspect.samples.studies.Study} per study,
 * each training what it needs, running the library and writing a results page
 * ({@link dev.onnxinspect.samples.studies.StudyPage}: {@code index.html} with its plots and {@code summary.md}) that
 * states each of the study's claims, the figure measured by the run, and whether it supports the claim.
 */
package dev.onnxinspect.samples.studies;
