package dev.storekeeper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP/1.1 written byte for byte on a socket, for requests a real client library will not send: a
 * path it would normalise or refuse ({@code %2F}, {@code %00}), a chosen {@code Host}, a {@code
 * Content-Length} that is a lie, a chunked body of a chosen size. One request per connection
 * ({@code Connection: close}).
 */
public final class RawHttp {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final int port;

  public RawHttp(int port) {
    this.port = port;
  }

  /** Status, headers (names in lower case) and the body, de-chunked. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonNode json() {
      return JSON.readTree(body);
    }
  }

  /** A request builder: method, target (sent as is), headers, body. */
  public Request request(String method, String target) {
    return new Request(method, target);
  }

  public final class Request {
    private final String method;
    private final String target;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private boolean chunked;
    private Long declaredLength;

    private Request(String method, String target) {
      this.method = method;
      this.target = target;
      headers.put("Host", "127.0.0.1:" + port);
    }

    public Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Request body(byte[] content) {
      this.body = content;
      return this;
    }

    public Request body(String content) {
      return body(content.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the body with {@code Transfer-Encoding: chunked}, in chunks of 8 KB. */
    public Request chunked() {
      this.chunked = true;
      return this;
    }

    /** Declares this {@code Content-Length} whatever the body is (the body sent may be shorter). */
    public Request declaredLength(long length) {
      this.declaredLength = length;
      return this;
    }

    /**
     * Writes the request on one thread while this one reads the answer: a server that refuses a
     * body stops reading it, answers and closes, and the answer must be read as it arrives, not
     * after a write that can no longer finish.
     */
    public Response send() {
      StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (chunked) {
        head.append("Transfer-Encoding: chunked\r\n");
      } else if (declaredLength != null) {
        head.append("Content-Length: ").append(declaredLength).append("\r\n");
      } else if (body.length > 0) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(60_000);
        Thread writer = new Thread(() -> write(socket, head.toString()), "raw-http-writer");
        writer.setDaemon(true);
        writer.start();
        try {
          return parse(new java.io.BufferedInputStream(socket.getInputStream()));
        } finally {
          socket.close();
          writer.join(10_000);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private void write(Socket socket, String head) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
          for (int at = 0; at < body.length; at += 8192) {
            int size = Math.min(8192, body.length - at);
            out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, size);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          out.write(body);
        }
        out.flush();
      } catch (IOException answeredEarly) {
        // the server answered and closed before reading everything: the reader has its answer
      }
    }
  }

  /**
   * Reads the response's head, then its body by {@code Content-Length} or chunked framing, and
   * stops there: after refusing a body it did not read, the server may wait for the rest of that
   * body before it closes, which a test must not wait for.
   */
  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int end = -1;
    while (end < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("no complete response: " + raw.toString(StandardCharsets.ISO_8859_1));
      }
      raw.write(b);
      byte[] so = raw.toByteArray();
      int n = so.length;
      if (n >= 4
          && so[n - 4] == '\r'
          && so[n - 3] == '\n'
          && so[n - 2] == '\r'
          && so[n - 1] == '\n') {
        end = n - 4;
      }
    }
    String[] lines = raw.toString(StandardCharsets.ISO_8859_1).substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).strip());
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = readChunked(in);
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in);
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
      if (size == 0) {
        line(in); // the empty line after the last chunk (no trailers are sent)
        return out.toByteArray();
      }
      out.write(in.readNBytes(size));
      line(in);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("truncated chunked body");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
      }
      line.write(b);
      previous = b;
    }
  }
}
