/**
 * Arrow IPC files for every result table of SPEC §12, and Arrow image tables as inspection inputs.
 *
 * <ul>
 *   <li>One typed, row-oriented writer per table ({@link dev.onnxinspect.arrow.ScoresWriter},
 * {@link dev.onnxinspect.arrow.ActivationFrequencyWriter}, ...), all {@link dev.onnxinspect.arrow.ArrowTableWriter}s:
 *       long form, string keys dictionary-encoded from dictionaries fixed at construction, rows streamed in record
 *       batches of bounded size, optional LZ4/ZSTD body compression, schema metadata from
 *       {@link dev.onnxinspect.arrow.TableMetadata}.</li>
 *   <li>Atomic publication: rows go to a hidden temporary file in the target directory, and
 *       {@link dev.onnxinspect.arrow.ArrowTableWriter#commit()} renames it onto the final name; closing without
 *       commit discards it.</li>
 *   <li>{@link dev.onnxinspect.arrow.ArrowResultDirectory}: a run's tables plus {@code manifest.json}.</li>
 *   <li>{@link dev.onnxinspect.arrow.ArrowImageSource}: an Arrow file of images as a
 *       {@link dev.onnxinspect.data.DataSource}.</li>
 * </ul>
 */
package dev.onnxinspect.arrow;
