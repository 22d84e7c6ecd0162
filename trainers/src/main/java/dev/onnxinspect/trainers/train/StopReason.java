package dev.onnxinspect.trainers.train;

/** Why a run ended. */
public enum StopReason {
    /** All configured epochs ran. */
    COMPLETED,
    /** The early stopping rule fired. */
    EARLY_STOPPED,
    /** The training thread was interrupted; the unfinished epoch was dropped, finished epochs are kept. */
    INTERRUPTED
}
