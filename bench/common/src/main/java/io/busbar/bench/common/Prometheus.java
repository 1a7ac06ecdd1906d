package io.busbar.bench.common;

/** Reading figures out of a Prometheus text scrape ({@code GET /metrics}). */
public final class Prometheus {

  private Prometheus() {
  }

  /**
   * The sum of every sample of {@code name} (all label sets) whose labels contain {@code labelFilter} (e.g.
   * {@code area="heap"}; empty for all), or NaN when there is none.
   */
  public static double sum(String scrape, String name, String labelFilter) {
    double sum = 0;
    boolean found = false;
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(name) || line.length() <= name.length()) {
        continue;
      }
      char next = line.charAt(name.length());
      if (next != ' ' && next != '{') {
        continue;   // a longer name with this prefix
      }
      int valueAt = line.lastIndexOf(' ');
      String labels = line.substring(name.length(), valueAt);
      if (!labelFilter.isEmpty() && !labels.contains(labelFilter)) {
        continue;
      }
      sum += Double.parseDouble(line.substring(valueAt + 1));
      found = true;
    }
    return found ? sum : Double.NaN;
  }

  /** {@link #sum} of every label set. */
  public static double sum(String scrape, String name) {
    return sum(scrape, name, "");
  }
}
