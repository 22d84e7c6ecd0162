/**
 * Network architectures as data ({@link dev.onnxinspect.trainers.arch.Architecture}: MLP, LeNet-like CNN, small
 * ResNet, the SPEC §11 IOC network), each a list of {@link dev.onnxinspect.trainers.arch.LayerSpec}s from which both
 * the DJL block and the ONNX graph are built. Layer names are the tensor names of the exported graph.
 * {@link dev.onnxinspect.trainers.arch.TextClassifier} describes a network over token ids and an attention mask
 * (embedding, token layers, masked mean, MLP head) the same way.
 */
package dev.onnxinspect.trainers.arch;
