package io.busbar.config;

/**
 * The gateway's HTTP server ({@code http.*}).
 *
 * @param host interface to bind, default {@code 0.0.0.0}
 * @param port TCP port, default 8080; 0 picks a free port
 */
public record HttpConfig(String host, int port) {

  static HttpConfig from(Conf c) {
    c.onlyKeys("host", "port");
    return new HttpConfig(c.string("host", "0.0.0.0"), c.intIn("port", 8080, 0, 65535));
  }
}
