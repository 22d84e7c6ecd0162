package dev.onnxinspect.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonStringsTest {
    @Test
    void escapesWhatRfc8259Requires() {
        // quote, backslash, the named control escapes, other control characters as backslash-u plus 4 hex digits
        assertThat(JsonStrings.quote("a\"b\\c\nd\re\tf\u0001g/é")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g/é\"");
        assertThat(JsonStrings.quote("")).isEqualTo("\"\"");
    }
}
