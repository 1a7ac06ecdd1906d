package io.busbar.config;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's HTTP server ({@code http.*}).
 *
 * @param host interface to bind, default {@code 0.0.0.0}
 * @param port TCP port, default 8080; 0 picks a free port
 * @param allowedOrigins origins allowed to open WebSockets and call the API from a browser (CORS): exact origins
 *     such as {@code https://app.example.com}, or {@code *}; empty allows only the page's own origin
 * @param tls TLS on the port (HTTPS and WSS)
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, TlsConfig tls) {

  static HttpConfig from(Conf c) {
    c.onlyKeys("host", "port", "allowedOrigins", "tls");
    List<String> origins = new ArrayList<>();
    JsonArray list = c.array("allowedOrigins");
    for (int i = 0; i < list.size(); i++) {
      Object origin = list.getValue(i);
      if (!(origin instanceof String o) || !(o.equals("*") || o.matches("https?://[^/\\s]+"))) {
        throw new ConfigException(c.key("allowedOrigins") + "[" + i + "]",
            "must be \"*\" or an origin like https://app.example.com, got " + Conf.describe(origin));
      }
      origins.add(o);
    }
    return new HttpConfig(c.string("host", "0.0.0.0"), c.intIn("port", 8080, 0, 65535), List.copyOf(origins),
        TlsConfig.from(c.section("tls")));
  }
}
