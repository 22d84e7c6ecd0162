package dev.onnxinspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onnxinspect.OnnxInspectException.Kind;
import dev.onnxinspect.onnx.GraphQueryException;
import dev.onnxinspect.onnx.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class OnnxInspectExceptionTest {
    @Test
    void theConstructorsWithoutAKindMeanABadInput() {
        IOException cause = new IOException("x");
        assertThat(new OnnxInspectException("m").kind()).isEqualTo(Kind.INVALID_INPUT);
        assertThat(new OnnxInspectException("m", cause).kind()).isEqualTo(Kind.INVALID_INPUT);
        assertThat(new GraphQueryException("m").kind()).isEqualTo(Kind.INVALID_INPUT);
        assertThat(new ModelFormatException("a.onnx", "p").kind()).isEqualTo(Kind.INVALID_INPUT);
        // a wrapped IOException does not change the kind by itself: the thrower decides
        assertThat(new OnnxInspectException("m", cause).getCause()).isSameAs(cause);
    }

    @Test
    void aGivenKindIsKeptWithMessageAndCause() {
        IOException cause = new IOException("disk full");
        OnnxInspectException e = new OnnxInspectException(Kind.IO, "cannot write x", cause);
        assertThat(e.kind()).isEqualTo(Kind.IO);
        assertThat(e).hasMessage("cannot write x").hasCause(cause);
        assertThat(new OnnxInspectException(Kind.UNSUPPORTED, "m").kind()).isEqualTo(Kind.UNSUPPORTED);
        ModelFormatException m = new ModelFormatException(Kind.UNSUPPORTED, "big.onnx", "over 2 GiB");
        assertThat(m.kind()).isEqualTo(Kind.UNSUPPORTED);
        assertThat(m).hasMessage("big.onnx: over 2 GiB");
        assertThatThrownBy(() -> new OnnxInspectException(null, "m"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void kindOfAnyThrowable() {
        assertThat(Kind.of(new GraphQueryException(Kind.UNSUPPORTED, "m"))).isEqualTo(Kind.UNSUPPORTED);
        assertThat(Kind.of(new OnnxInspectException(Kind.INTERNAL, "m"))).isEqualTo(Kind.INTERNAL);
        assertThat(Kind.of(new NoSuchFileException("a"))).isEqualTo(Kind.IO);
        assertThat(Kind.of(new UncheckedIOException(new IOException("b")))).isEqualTo(Kind.IO);
        // anything else is a bug, even when it wraps a user error: only the thrown type counts
        assertThat(Kind.of(new IllegalStateException(new OnnxInspectException("m"))))
                .isEqualTo(Kind.INTERNAL);
        assertThat(Kind.of(new IllegalArgumentException("m"))).isEqualTo(Kind.INTERNAL);
        assertThat(Kind.of(new NullPointerException())).isEqualTo(Kind.INTERNAL);
        assertThat(Kind.of(new OutOfMemoryError())).isEqualTo(Kind.INTERNAL);
    }
}
