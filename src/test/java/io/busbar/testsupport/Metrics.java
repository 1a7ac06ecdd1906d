package io.busbar.testsupport;

/** Reads meters from a node's Prometheus scrape, as an operator's tooling would. */
public final class Metrics {

  private Metrics() {
  }

  /** The sum of every series of {@code name} in {@code node}'s {@code /metrics}. */
  public static double value(TestNode node, String name) {
    String scrape = Await.result(node.http().get("/metrics").send()).bodyAsString();
    return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name.endsWith("}") ? name + " " : name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
