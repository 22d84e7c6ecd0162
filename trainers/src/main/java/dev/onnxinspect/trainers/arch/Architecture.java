package dev.onnxinspect.trainers.arch;

import java.util.List;
import java.util.Map;

/**
 * A network architecture as data: the one description from which both the trainable DJL block and the ONNX graph
 * are built. Implementations are immutable records that validate in their constructors.
 *
 * <p>The last layer of {@link #layers()} is a dense layer named {@value #LOGITS} producing {@link #numClasses()}
 * logits (no softmax).
 */
public sealed interface Architecture permits Mlp, LeNet, ResNet, IocMlp {

    /** The name of the logits tensor, the first output of every exported graph. */
    String LOGITS = "logits";

    /** The shape of one input sample without the batch axis, e.g. [784] or [1, 28, 28]; a copy. */
    int[] inputShape();

    /** K, the number of classes. */
    int numClasses();

    /** The layers in order; the last one produces {@value #LOGITS}. */
    List<LayerSpec> layers();

    /** A short kind name such as "mlp", "lenet", "resnet", "ioc". */
    String kind();

    /** Key/value description of the architecture, recorded in exported model metadata and run configurations. */
    Map<String, String> describe();
}
