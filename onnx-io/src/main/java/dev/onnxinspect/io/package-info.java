/**
 * File infrastructure shared by every module, each written once: {@link dev.onnxinspect.io.AtomicFiles} publishes a
 * whole file by an atomic rename (with the fsyncs, and the permissions of a normally created file),
 * {@link dev.onnxinspect.io.Sha256} gives the SHA-256 of a file or of bytes as lowercase hex (on Guava's hashing),
 * and {@link dev.onnxinspect.io.JsonStrings} quotes JSON strings.
 */
package dev.onnxinspect.io;
