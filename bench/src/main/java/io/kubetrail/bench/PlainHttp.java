package io.kubetrail.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One client's HTTP/1.1 connection to a server on loopback, kept open from one request to the next
 * as a browser keeps one: each GET is written, and its whole response read (a body of {@code
 * Content-Length} bytes or in chunks). The JDK's {@code HttpClient} took about as much CPU per
 * search as the server's search itself, on the same two cores; a benchmark's client should take as
 * little of them as it can. Not thread-safe: one per client thread.
 */
final class PlainHttp implements Closeable {
  private static final int TIMEOUT_MILLIS = 120_000;

  private final String host;
  private final int port;
  private final byte[] headers;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** A connection to the server of {@code base}, every request with {@code Bearer token}. */
  PlainHttp(URI base, String token) {
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.headers =
        (" HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nAuthorization: Bearer "
                + token
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /** The whole body of a GET of {@code uri}, once its status is 200. */
  byte[] get(URI uri) throws IOException {
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    byte[] line = ("GET " + target).getBytes(StandardCharsets.US_ASCII);
    while (true) {
      boolean reused = socket != null;
      if (!reused) {
        connect();
      }
      try {
        out.write(line);
        out.write(headers);
        out.flush();
        return response(uri);
      } catch (Closed | SocketException e) {
        // The server closed the kept connection between two requests: once more, on a new one.
        close();
        if (!reused) {
          throw new IOException(uri + ": the server closed the connection before answering", e);
        }
      }
    }
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  private byte[] response(URI uri) throws IOException {
    String status = line(true);
    if (status.length() < 12 || !status.startsWith("HTTP/1.")) {
      throw new IOException(uri + ": not an HTTP response: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closes = false;
    for (String h = line(false); !h.isEmpty(); h = line(false)) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closes = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    byte[] body;
    if (chunked) {
      body = chunks();
    } else if (length >= 0) {
      body = exactly((int) length);
    } else {
      body = in.readAllBytes();
      closes = true;
    }
    if (closes) {
      close();
    }
    if (code != 200) {
      throw new IllegalStateException(
          uri + ": " + code + " " + new String(body, StandardCharsets.UTF_8));
    }
    return body;
  }

  private byte[] chunks() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
    while (true) {
      String size = line(false);
      int extension = size.indexOf(';');
      int n = Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
      if (n == 0) {
        // Trailers, if any, up to the empty line.
        while (!line(false).isEmpty()) {}
        return body.toByteArray();
      }
      body.write(exactly(n));
      line(false);
    }
  }

  private byte[] exactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("the response ended after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /**
   * One header line without its line end. At the start of a response ({@code first}), a connection
   * that ends at once was closed by the server: {@link Closed}.
   */
  private String line(boolean first) throws IOException {
    StringBuilder s = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (first && s.length() == 0) {
          throw new Closed();
        }
        throw new EOFException("the response ended inside its head");
      }
      if (c == '\n') {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '\r') {
          s.setLength(end - 1);
        }
        return s.toString();
      }
      s.append((char) c);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing a connection the client is done with: nothing to do.
      }
      socket = null;
    }
  }

  /** The server closed the connection before the response began. */
  private static final class Closed extends IOException {
    Closed() {
      super("closed by the server");
    }
  }
}
