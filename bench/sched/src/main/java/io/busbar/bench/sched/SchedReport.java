package io.busbar.bench.sched;

import io.busbar.bench.sched.SchedAnalysis.PolicyKind;
import io.busbar.bench.sched.SchedAnalysis.Window;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;

/** The scheduling benchmark's table and summary. */
final class SchedReport {

  /** The target: SJF's mean wait at least 40% below FCFS's. */
  static final double TARGET_REDUCTION = 0.40;

  private final ServiceDistribution distribution;
  private final Schedule schedule;
  private final Window window;
  private final double calibratedOverheadMs;
  private final String mode;
  private final List<SchedAnalysis> analyses;

  SchedReport(ServiceDistribution distribution, Schedule schedule, Window window, double calibratedOverheadMs,
      String mode, List<SchedAnalysis> analyses) {
    this.distribution = distribution;
    this.schedule = schedule;
    this.window = window;
    this.calibratedOverheadMs = calibratedOverheadMs;
    this.mode = mode;
    this.analyses = analyses;
  }

  void print(PrintStream out) {
    out.println();
    out.printf("workload: %s, E[S] = %.2f ms, E[S²] = %.0f ms², C² = %.2f; short (≤ %d ms) = %.1f%% of jobs%n",
        distribution.describe(), distribution.mean(), distribution.moment(2), distribution.scv(), window.shortMs(),
        100 * SchedulingBench.shortShare(distribution, window.shortMs()));
    out.printf("arrivals: Poisson λ = %.2f/s (ρ %.3f nominal, %.3f with the calibrated %.3f ms/job), mode %s, "
        + "window %.0f–%.0f s, %d batches%n", schedule.ratePerSecond(), schedule.ratePerSecond() / 1000
        * distribution.mean(), schedule.ratePerSecond() / 1000 * (distribution.mean() + calibratedOverheadMs),
        calibratedOverheadMs, mode, window.warmupSeconds(), window.warmupSeconds() + window.measureSeconds(),
        window.batches());
    out.println();
    out.println("waits in ms (startedAt − createdAt)    measured                          ideal replay"
        + "    theory (mean)      short/long jobs   Busbar per job");
    out.println("policy     jobs   ρ meas  mean ± 95% (batch)   p50    p99     max    mean    p99"
        + "    design  measured   mean    mean    overhead gap    ETA bias");
    for (SchedAnalysis a : analyses) {
      out.printf("%-9s %6d  %5.3f  %7.1f ± %-6.1f %6.1f %6.0f %7.0f  %6.1f %6.0f  %7.1f %7.1f   %6.1f %7.1f   "
          + "%6.3f %6.3f  %6.2f%n",
          a.policy.configName(), a.jobs, a.rho, a.meanWait, a.meanWaitInterval[1], a.p50Wait, a.p99Wait, a.maxWait,
          a.idealMeanWait, a.idealP99Wait, a.theoryNominal[0], a.theoryMeasured[0], a.shortMeanWait, a.longMeanWait,
          a.meanOverheadMs, a.meanGapMs, a.meanPredictedWait / a.meanWait);
    }
    out.println("ETA (predictedWaitMs) by job size, mean predicted / mean actual ms:");
    for (SchedAnalysis a : analyses) {
      out.printf("  %-9s short %6.1f / %6.1f (bias %.2f)   long %6.1f / %6.1f (bias %.2f)%n", a.policy.configName(),
          a.shortMeanPredicted, a.shortMeanWait, a.shortMeanPredicted / a.shortMeanWait, a.longMeanPredicted,
          a.longMeanWait, a.longMeanPredicted / a.longMeanWait);
    }
    out.println("Busbar's own model (/api/queues, mean of the polls in the window) vs measured:");
    for (SchedAnalysis a : analyses) {
      JsonObject v = a.busbarView;
      out.printf("  %-9s ρ %s (measured %.3f), mean service %s ms (measured %.2f), Erlang C wait %s ms "
          + "(this queue's measured mean wait %.1f; M/G/1 FCFS by P-K %.1f)%n", a.policy.configName(),
          v.getValue("utilisation"), a.rho,
          v.getValue("meanServiceMs"), a.meanServiceMs, v.getValue("predictedWaitMs"), a.meanWait,
          a.policy == PolicyKind.FCFS ? a.theoryMeasured[0] : find(PolicyKind.FCFS) == null ? Double.NaN
              : find(PolicyKind.FCFS).theoryMeasured[0]);
    }
    SchedAnalysis priority = find(PolicyKind.PRIORITY);
    if (priority != null) {
      out.printf("priority classes, Cobham: short %.1f ms (measured %.1f), long %.1f ms (measured %.1f)"
          + " [theory from measured inputs]%n", priority.theoryMeasured[1], priority.shortMeanWait,
          priority.theoryMeasured[2], priority.longMeanWait);
    }
    JsonObject summary = summaryJson();
    if (summary.containsKey("sjfVsFcfs")) {
      JsonObject r = summary.getJsonObject("sjfVsFcfs");
      out.printf("SJF vs FCFS mean wait: %.1f%% lower (batch 95%% ± %.1f points); ideal replay %.1f%%, theory %.1f%% "
          + "(design point) / %.1f%% (measured); target ≥ %.0f%% lower: %s%n", 100 * r.getDouble("measured"),
          100 * r.getDouble("measuredBatch95HalfWidth"), 100 * r.getDouble("idealReplay"),
          100 * r.getDouble("theoryDesignPoint"), 100 * r.getDouble("theoryMeasured"), 100 * TARGET_REDUCTION,
          r.getBoolean("targetMet") ? "MET" : "NOT MET");
    }
  }

  private SchedAnalysis find(PolicyKind kind) {
    return analyses.stream().filter(a -> a.policy == kind).findFirst().orElse(null);
  }

  JsonObject summaryJson() {
    JsonObject summary = new JsonObject().put("targetReduction", TARGET_REDUCTION);
    SchedAnalysis fcfs = find(PolicyKind.FCFS);
    for (PolicyKind kind : List.of(PolicyKind.SJF, PolicyKind.PRIORITY)) {
      SchedAnalysis other = find(kind);
      if (fcfs == null || other == null) {
        continue;
      }
      double[] perBatch = new double[window.batches()];
      for (int b = 0; b < perBatch.length; b++) {
        perBatch[b] = 1 - other.batchMeans[b] / fcfs.batchMeans[b];
      }
      double measured = 1 - other.meanWait / fcfs.meanWait;
      JsonObject r = new JsonObject().put("measured", RunInfo.num(measured, 4))
          .put("measuredBatch95HalfWidth", RunInfo.num(Stats.batchInterval(perBatch)[1], 4))
          .put("idealReplay", RunInfo.num(1 - other.idealMeanWait / fcfs.idealMeanWait, 4))
          .put("theoryDesignPoint", RunInfo.num(1 - other.theoryNominal[0] / fcfs.theoryNominal[0], 4))
          .put("theoryMeasured", RunInfo.num(1 - other.theoryMeasured[0] / fcfs.theoryMeasured[0], 4));
      if (kind == PolicyKind.SJF) {
        r.put("targetMet", measured >= TARGET_REDUCTION);
      }
      summary.put(kind.configName() + "VsFcfs", r);
    }
    return summary;
  }
}
