package io.busbar.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A load shape: {@code connections} WebSockets, each keeping {@code inFlight} requests outstanding
 * (closed loop: every reply immediately triggers the next request on the same socket).
 *
 * @param name        the shape as written, {@code <connections>x<inFlight>}, e.g. {@code 100x10}
 * @param connections number of WebSocket connections, at least 1
 * @param inFlight    requests outstanding per connection, at least 1
 */
public record Scenario(String name, int connections, int inFlight) {

  public Scenario {
    if (connections < 1 || inFlight < 1) {
      throw new IllegalArgumentException("scenario " + name + ": connections and in-flight must be >= 1");
    }
  }

  /** Parses one {@code <connections>x<inFlight>} term, e.g. {@code 1x100}. */
  public static Scenario parse(String term) {
    String[] parts = term.trim().toLowerCase().split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("scenario '" + term + "' is not <connections>x<inFlight>");
    }
    try {
      return new Scenario(term.trim(), Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("scenario '" + term + "' is not <connections>x<inFlight>", e);
    }
  }

  /** Parses a comma-separated list such as {@code 1x1,1x100,100x10}. */
  public static List<Scenario> parseList(String terms) {
    List<Scenario> scenarios = new ArrayList<>();
    for (String term : terms.split(",")) {
      if (!term.isBlank()) {
        scenarios.add(parse(term));
      }
    }
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("bench.scenarios is empty");
    }
    return List.copyOf(scenarios);
  }

  /** Total requests outstanding across all connections. */
  public int totalInFlight() {
    return connections * inFlight;
  }
}
