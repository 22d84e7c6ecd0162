package dev.onnxinspect.trainers.export;

/** How the exporter writes SPEC §11's IOC weight constraint w' = exp(w - 5) if w &lt; 0 else w. */
public enum IocWeightExport {
    /**
     * The transformed weights w' are the Gemm initializers, so a dense layer read from the graph has the weights
     * the network really multiplies with (what SPEC §3 interactions need). The default.
     */
    TRANSFORMED_INITIALIZERS,
    /** The raw weights w are initializers and the graph computes Where(Less(w, 0), Exp(w - 5), w) itself. */
    IN_GRAPH
}
