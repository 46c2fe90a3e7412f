package io.kubetrail.collect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A {@code host:port} to listen on, as written in the configuration ({@code 127.0.0.1:9090}, {@code
 * 0.0.0.0:8443}, {@code [::1]:8080}, {@code localhost:9090}).
 */
public record Endpoint(String host, int port) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Endpoint parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "expected host:port, e.g. 127.0.0.1:9090, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + text + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    return new Endpoint(host, port);
  }

  /** The socket address to bind; resolves the host. */
  public InetSocketAddress socketAddress() throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  /** True when only this machine can connect: a loopback address (127.0.0.0/8, ::1, localhost). */
  public boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
