package io.busbar.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Summaries of formation timings (milliseconds): every sample, the median, the smallest and the largest. */
final class FormationStats {

  private FormationStats() {
  }

  static JsonObject of(List<Long> samples) {
    List<Long> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    return new JsonObject().put("median", median).put("min", sorted.get(0)).put("max", sorted.get(sorted.size() - 1))
        .put("samples", new JsonArray(new ArrayList<>(samples)));
  }

  /** Node k (1-based) joining a cluster of k-1: launch → its /ready, launch → listed by the first node. */
  static JsonArray perNode(List<List<Long>> ready, List<List<Long>> seen) {
    JsonArray nodes = new JsonArray();
    for (int k = 0; k < ready.size(); k++) {
      nodes.add(new JsonObject().put("node", k + 1).put("clusterBefore", k).put("ready", of(ready.get(k)))
          .put("seenByFirst", of(seen.get(k))));
    }
    return nodes;
  }
}
