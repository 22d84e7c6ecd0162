/**
 * File writing shared by every module: {@link dev.onnxinspect.io.AtomicFiles} publishes a whole file by an atomic
 * rename, with the permissions of a normally created file.
 */
package dev.onnxinspect.io;
