package dev.onnxinspect.samples.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty itself gives (a request line or headers it cannot parse, headers over its size limit, a failure
 * outside the service's handler): {@code {"status": code, "error": "<HTTP reason>"}} like the service's own errors,
 * never Jetty's HTML page, its message or an exception's text.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, OodServer.JSON);
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    private static byte[] body(int code) {
        return JsonWriter.error(code, "HTTP " + code + " " + HttpStatus.getMessage(code))
                .getBytes(StandardCharsets.UTF_8);
    }
}
