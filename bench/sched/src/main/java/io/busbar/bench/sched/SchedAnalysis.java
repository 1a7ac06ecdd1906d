package io.busbar.bench.sched;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.sched.QueueTheory.JobClass;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one policy's run of the scheduling benchmark: measured waits over the measurement window, Busbar's
 * own per-job time, the ideal replay of the same sample path, and the queueing-theory means, both for the nominal
 * workload and for what was measured.
 */
final class SchedAnalysis {

  /** A scheduling policy as the driver uses it: its queue and the key an ideal scheduler orders by. */
  enum PolicyKind {
    FCFS, SJF, PRIORITY;

    String configName() {
      return name().toLowerCase();
    }

    String queue() {
      return "sched-" + configName();
    }

    static PolicyKind parse(String name) {
      for (PolicyKind kind : values()) {
        if (kind.configName().equals(name)) {
          return kind;
        }
      }
      throw new BenchArgs.BadSetting("policies", "each one of fcfs, sjf, priority, got \"" + name + "\"");
    }

    /** Smaller runs first; ties in arrival order. */
    double key(Schedule.Arrival arrival) {
      return switch (this) {
        case FCFS -> 0;
        case SJF -> arrival.serviceMs();
        case PRIORITY -> -arrival.priority();
      };
    }
  }

  /** Settings the analysis needs. */
  record Window(double warmupSeconds, double measureSeconds, int batches, int shortMs) {
    boolean contains(Schedule.Arrival a) {
      return a.offsetSeconds() >= warmupSeconds && a.offsetSeconds() < warmupSeconds + measureSeconds;
    }

    int batchOf(Schedule.Arrival a) {
      int b = (int) ((a.offsetSeconds() - warmupSeconds) / measureSeconds * batches);
      return Math.min(batches - 1, Math.max(0, b));
    }
  }

  final PolicyKind policy;
  final JsonObject busbarView;
  final int jobs;
  final double meanWait;
  final double[] meanWaitInterval;
  final double p50Wait;
  final double p99Wait;
  final double maxWait;
  final double[] batchMeans;
  final double shortMeanWait;
  final double longMeanWait;
  final double lambdaPerMs;
  final double meanServiceMs;
  final double meanOverheadMs;
  final double p99OverheadMs;
  final double meanGapMs;
  final double rho;
  final double idealMeanWait;
  final double idealP99Wait;
  final double[] theoryNominal;
  final double[] theoryMeasured;
  final double meanPredictedWait;
  final double shortMeanPredicted;
  final double longMeanPredicted;
  final double meanSubmitLatencyMs;

  /**
   * @param nominalLambdaPerMs the schedule's arrival rate
   * @param distribution the nominal service times
   * @param overheadMs the calibrated per-job overhead, added to every nominal service time for the design-point theory
   * @param busbarView Busbar's own averaged {@code /api/queues} figures for this queue over the window
   */
  SchedAnalysis(PolicyKind policy, List<JobSample> run, Window window, double nominalLambdaPerMs,
      ServiceDistribution distribution, double overheadMs, JsonObject busbarView) {
    this.policy = policy;
    this.busbarView = busbarView;
    List<JobSample> in = run.stream().filter(s -> window.contains(s.arrival())).toList();
    jobs = in.size();
    double[] waits = in.stream().mapToDouble(JobSample::waitMs).toArray();
    meanWait = Stats.mean(waits);
    p50Wait = Stats.median(waits);
    p99Wait = Stats.quantile(waits, 0.99);
    maxWait = Stats.max(waits);
    batchMeans = batchMeans(in, window);
    meanWaitInterval = Stats.batchInterval(batchMeans);
    shortMeanWait = in.stream().filter(s -> s.arrival().serviceMs() <= window.shortMs())
        .mapToLong(JobSample::waitMs).average().orElse(Double.NaN);
    longMeanWait = in.stream().filter(s -> s.arrival().serviceMs() > window.shortMs())
        .mapToLong(JobSample::waitMs).average().orElse(Double.NaN);
    long firstCreated = in.stream().mapToLong(JobSample::createdAt).min().orElse(0);
    long lastCreated = in.stream().mapToLong(JobSample::createdAt).max().orElse(1);
    lambdaPerMs = (jobs - 1) / (double) Math.max(1, lastCreated - firstCreated);
    meanServiceMs = in.stream().mapToLong(JobSample::serviceMs).average().orElse(Double.NaN);
    double[] overheads = in.stream().mapToDouble(JobSample::overheadMs).toArray();
    meanOverheadMs = Stats.mean(overheads);
    p99OverheadMs = Stats.quantile(overheads, 0.99);
    meanGapMs = meanGapWithBacklog(run);
    double[] occupancy = in.stream().mapToDouble(s -> s.serviceMs() + meanGapMs).toArray();
    rho = lambdaPerMs * Stats.mean(occupancy);
    double[] ideal = idealReplay(run, meanGapMs);
    double[] idealIn = new double[jobs];
    for (int i = 0, j = 0; i < run.size(); i++) {
      if (window.contains(run.get(i).arrival())) {
        idealIn[j++] = ideal[i];
      }
    }
    idealMeanWait = Stats.mean(idealIn);
    idealP99Wait = Stats.quantile(idealIn, 0.99);
    double shiftedSecondMoment = distribution.moment(2) + 2 * overheadMs * distribution.mean() + overheadMs * overheadMs;
    theoryNominal = theory(nominalLambdaPerMs, nominalClasses(distribution, window.shortMs(), overheadMs),
        shiftedSecondMoment);
    double secondMoment = Stats.mean(java.util.Arrays.stream(occupancy).map(x -> x * x).toArray());
    theoryMeasured = theory(lambdaPerMs, measuredClasses(in, meanGapMs, window.shortMs()), secondMoment);
    meanPredictedWait = in.stream().mapToLong(JobSample::predictedWaitMs).average().orElse(Double.NaN);
    shortMeanPredicted = in.stream().filter(s -> s.arrival().serviceMs() <= window.shortMs())
        .mapToLong(JobSample::predictedWaitMs).average().orElse(Double.NaN);
    longMeanPredicted = in.stream().filter(s -> s.arrival().serviceMs() > window.shortMs())
        .mapToLong(JobSample::predictedWaitMs).average().orElse(Double.NaN);
    meanSubmitLatencyMs = in.stream().mapToLong(s -> s.createdAt() - s.sentAtMs()).average().orElse(Double.NaN);
  }

  private static double[] batchMeans(List<JobSample> in, Window window) {
    double[] sum = new double[window.batches()];
    int[] count = new int[window.batches()];
    for (JobSample s : in) {
      int b = window.batchOf(s.arrival());
      sum[b] += s.waitMs();
      count[b]++;
    }
    double[] means = new double[window.batches()];
    for (int b = 0; b < means.length; b++) {
      means[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
    }
    return means;
  }

  /**
   * Mean time the worker stood idle between two jobs while the next one was already waiting: from one job's
   * {@code finishedAt} to the next one's {@code startedAt}, over every pair where the next job had arrived by then.
   */
  private static double meanGapWithBacklog(List<JobSample> run) {
    List<JobSample> byStart = new ArrayList<>(run);
    byStart.sort(Comparator.comparingLong(JobSample::startedAt).thenComparingLong(JobSample::finishedAt));
    double sum = 0;
    int count = 0;
    for (int i = 1; i < byStart.size(); i++) {
      JobSample before = byStart.get(i - 1);
      JobSample next = byStart.get(i);
      if (next.createdAt() <= before.finishedAt()) {
        sum += Math.max(0, next.startedAt() - before.finishedAt());
        count++;
      }
    }
    return count == 0 ? 0 : sum / count;
  }

  /** The ideal scheduler on Busbar's arrival times and measured slot times (service + mean gap). */
  private double[] idealReplay(List<JobSample> run, double gapMs) {
    List<JobSample> byArrival = new ArrayList<>(run);
    byArrival.sort(Comparator.comparingLong(JobSample::createdAt).thenComparingInt(s -> s.arrival().index()));
    long base = byArrival.isEmpty() ? 0 : byArrival.get(0).createdAt();
    int n = byArrival.size();
    double[] arrival = new double[n];
    double[] service = new double[n];
    double[] key = new double[n];
    for (int i = 0; i < n; i++) {
      JobSample s = byArrival.get(i);
      arrival[i] = s.createdAt() - base;
      service[i] = s.serviceMs() + gapMs;
      key[i] = policy.key(s.arrival());
    }
    double[] waits = Simulator.waits(arrival, service, key, 1);
    double[] bySchedule = new double[n];
    Map<Integer, Integer> position = new TreeMap<>();
    for (int i = 0; i < run.size(); i++) {
      position.put(run.get(i).arrival().index(), i);
    }
    for (int i = 0; i < n; i++) {
      bySchedule[position.get(byArrival.get(i).arrival().index())] = waits[i];
    }
    return bySchedule;
  }

  /**
   * The nominal workload's classes in this policy's order (one per size for SJF, short/long for priority), each
   * job's service time being its size plus {@code overheadMs}.
   */
  private List<JobClass> nominalClasses(ServiceDistribution distribution, int shortMs, double overheadMs) {
    double[] pmf = distribution.pmf();
    List<JobClass> classes = new ArrayList<>();
    switch (policy) {
      case FCFS -> classes.add(new JobClass(1, distribution.mean() + overheadMs));
      case SJF -> {
        for (int k = 0; k < pmf.length; k++) {
          if (pmf[k] > 0) {
            classes.add(new JobClass(pmf[k], k + overheadMs));
          }
        }
      }
      case PRIORITY -> {
        double pShort = 0;
        double workShort = 0;
        for (int k = 0; k < pmf.length; k++) {
          if (k <= shortMs) {
            pShort += pmf[k];
            workShort += pmf[k] * k;
          }
        }
        classes.add(new JobClass(pShort, workShort / pShort + overheadMs));
        classes.add(new JobClass(1 - pShort, (distribution.mean() - workShort) / (1 - pShort) + overheadMs));
      }
    }
    return classes;
  }

  /** The same classes built from the measured slot times, grouped by the job's nominal size. */
  private List<JobClass> measuredClasses(List<JobSample> in, double gapMs, int shortMs) {
    TreeMap<Double, double[]> groups = new TreeMap<>();
    for (JobSample s : in) {
      double group = switch (policy) {
        case FCFS -> 0;
        case SJF -> s.arrival().serviceMs();
        case PRIORITY -> s.arrival().serviceMs() <= shortMs ? 0 : 1;
      };
      double[] g = groups.computeIfAbsent(group, k -> new double[2]);
      g[0]++;
      g[1] += s.serviceMs() + gapMs;
    }
    List<JobClass> classes = new ArrayList<>();
    groups.values().forEach(g -> classes.add(new JobClass(g[0] / in.size(), g[1] / g[0])));
    return classes;
  }

  /** {mean wait, class-1 wait, last-class wait} by P-K (FCFS) or Cobham/Phipps. */
  private static double[] theory(double lambda, List<JobClass> classes, double secondMoment) {
    double[] byClass = QueueTheory.cobhamByClass(lambda, secondMoment, classes);
    return new double[] {QueueTheory.cobhamMean(lambda, secondMoment, classes), byClass[0],
        byClass[byClass.length - 1]};
  }

  JsonObject toJson() {
    return new JsonObject().put("policy", policy.configName()).put("queue", policy.queue()).put("jobs", jobs)
        .put("meanWaitMs", RunInfo.num(meanWait, 2))
        .put("meanWaitBatch95HalfWidthMs", RunInfo.num(meanWaitInterval[1], 2))
        .put("batchMeanWaitsMs", numbers(batchMeans)).put("p50WaitMs", RunInfo.num(p50Wait, 1))
        .put("p99WaitMs", RunInfo.num(p99Wait, 1)).put("maxWaitMs", RunInfo.num(maxWait, 1))
        .put("shortJobsMeanWaitMs", RunInfo.num(shortMeanWait, 2))
        .put("longJobsMeanWaitMs", RunInfo.num(longMeanWait, 2))
        .put("measured", new JsonObject().put("arrivalRatePerS", RunInfo.num(lambdaPerMs * 1000, 2))
            .put("meanServiceMs", RunInfo.num(meanServiceMs, 3)).put("meanOverheadMs", RunInfo.num(meanOverheadMs, 3))
            .put("p99OverheadMs", RunInfo.num(p99OverheadMs, 1)).put("meanGapWithBacklogMs", RunInfo.num(meanGapMs, 3))
            .put("rho", RunInfo.num(rho, 4)).put("meanSubmitToCreatedMs", RunInfo.num(meanSubmitLatencyMs, 2)))
        .put("idealReplay", new JsonObject().put("meanWaitMs", RunInfo.num(idealMeanWait, 2))
            .put("p99WaitMs", RunInfo.num(idealP99Wait, 1)))
        .put("busbarQueueStatsInWindow", busbarView).put("theoryDesignPoint", theoryJson(theoryNominal))
        .put("theoryMeasured", theoryJson(theoryMeasured))
        .put("eta", new JsonObject().put("meanPredictedWaitMs", RunInfo.num(meanPredictedWait, 2))
            .put("bias", RunInfo.num(meanPredictedWait / meanWait, 3))
            .put("shortJobsMeanPredictedWaitMs", RunInfo.num(shortMeanPredicted, 2))
            .put("shortJobsBias", RunInfo.num(shortMeanPredicted / shortMeanWait, 3))
            .put("longJobsMeanPredictedWaitMs", RunInfo.num(longMeanPredicted, 2))
            .put("longJobsBias", RunInfo.num(longMeanPredicted / longMeanWait, 3)));
  }

  private JsonObject theoryJson(double[] t) {
    String formula = switch (policy) {
      case FCFS -> "Pollaczek-Khinchine";
      case SJF -> "Phipps (Cobham with one class per whole-ms size)";
      case PRIORITY -> "Cobham, 2 classes";
    };
    JsonObject json = new JsonObject().put("formula", formula).put("meanWaitMs", RunInfo.num(t[0], 2));
    if (policy == PolicyKind.PRIORITY) {
      json.put("shortClassMeanWaitMs", RunInfo.num(t[1], 2)).put("longClassMeanWaitMs", RunInfo.num(t[2], 2));
    }
    return json;
  }

  private static io.vertx.core.json.JsonArray numbers(double[] values) {
    io.vertx.core.json.JsonArray array = new io.vertx.core.json.JsonArray();
    for (double v : values) {
      array.add(RunInfo.num(v, 2));
    }
    return array;
  }
}
