/**
 * The audit of a classifier as a library call ({@link dev.onnxinspect.audit.Audit}): detectors fitted on a labelled
 * ID set, every dataset inspected in one streamed pass, SPEC §6 metrics and §4 KL matrices, all returned as
 * immutable records ({@link dev.onnxinspect.audit.AuditResult}). Needs ONNX Runtime only: no command line, no
 * logging backend, no training engine. arrow-export's {@code AuditTables} writes a result as SPEC §12 tables.
 */
package dev.onnxinspect.audit;
