package dev.onnxinspect.report;

/**
 * HTML escaping for text and attribute values. Every string that reaches the report (layer names come from
 * untrusted models) goes through {@link #escape}; no other path writes caller text into the page.
 */
public final class Html {
    private Html() {}

    /**
     * Escapes {@code & < > " '} so the result is safe both as element text and inside a double- or single-quoted
     * attribute value. Control characters other than tab, newline and carriage return are replaced by U+FFFD
     * (they are not allowed in HTML or XML text).
     */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' ? '\uFFFD' : ch);
            }
        }
        return out.toString();
    }
}
