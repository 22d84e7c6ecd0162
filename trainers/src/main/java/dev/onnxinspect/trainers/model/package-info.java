/**
 * The DJL side: {@link dev.onnxinspect.trainers.model.ModelFactory} builds blocks from architectures,
 * {@link dev.onnxinspect.trainers.model.ModelParameters} holds named weights as plain arrays,
 * {@link dev.onnxinspect.trainers.model.Initialization} seeds them, and
 * {@link dev.onnxinspect.trainers.model.DjlEnvironment} keeps DJL offline on the bundled PyTorch natives.
 */
package dev.onnxinspect.trainers.model;
