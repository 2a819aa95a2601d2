package io.trailwatch.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * HEC's answer to one request: the HTTP status and, when the body is HEC's JSON, its
 * {@code text}, {@code code} and {@code ackId}.
 */
record HecAnswer(int status, String text, Integer code, Long ackId, JsonNode body) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TEXT = 200;

  static HecAnswer parse(int status, String body) {
    JsonNode n = null;
    try {
      n = body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException notJson) {
      // a proxy's HTML page, say: keep its start as the text
    }
    if (n == null || !n.isObject()) {
      String t = body == null ? "" : body.strip();
      return new HecAnswer(status, t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) + "..." : t, null, null, null);
    }
    return new HecAnswer(status, n.path("text").asText(""), n.hasNonNull("code") ? n.get("code").asInt() : null,
        n.hasNonNull("ackId") ? n.get("ackId").asLong() : null, n);
  }

  /** HEC accepted the request. */
  boolean success() {
    return status == 200 && (code == null || code == 0);
  }

  /** Worth another attempt: busy (503), throttled (429), request timeout (408), other server errors. */
  boolean retryable() {
    return status == 429 || status == 408 || status >= 500;
  }

  /** The token is refused: every other request would be refused too. */
  boolean tokenRefused() {
    return status == 401 || status == 403;
  }

  /** {@code HTTP 503 (HEC code 9: Server is busy)}. */
  String describe() {
    StringBuilder sb = new StringBuilder("HTTP ").append(status);
    if (code != null || !text.isEmpty()) {
      sb.append(" (");
      if (code != null) {
        sb.append("HEC code ").append(code).append(text.isEmpty() ? "" : ": ");
      }
      sb.append(text).append(')');
    }
    return sb.toString();
  }
}
