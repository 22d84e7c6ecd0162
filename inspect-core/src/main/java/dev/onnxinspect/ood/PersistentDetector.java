package dev.onnxinspect.ood;

import java.io.DataOutputStream;
import java.io.IOException;

/** A detector {@link DetectorFiles} can save: a stable type id and a writer of its parameters and fitted state. */
interface PersistentDetector extends OodDetector {
    /** The type id written to the file; never change one once released. */
    String typeId();

    /** Writes parameters and fitted state; the type's reader in {@link DetectorFiles} reads them back. */
    void writeState(DataOutputStream out) throws IOException;
}
