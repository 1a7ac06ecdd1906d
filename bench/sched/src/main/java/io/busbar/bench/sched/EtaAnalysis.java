package io.busbar.bench.sched;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * How well Busbar's ETA ({@code predictedWaitMs}, made at submission) predicted each job's actual wait
 * ({@code startedAt − createdAt}) on an FCFS queue with {@code c} workers, over the measurement window.
 *
 * <p>Beside Busbar's own predictor it scores an <em>oracle</em> that uses the same formula with exact inputs: the
 * state each job really found ({@code k} jobs ahead and {@code b} busy workers, rebuilt from every job's
 * createdAt/startedAt/finishedAt) and the run's true mean service time. The oracle predicts the conditional mean
 * wait {@code d·E[S]/c} with {@code d = max(0, k − (c − b) + 1)}; its errors are the spread that no predictor of the
 * mean can remove (for exponential service the wait is Erlang(d, cμ): relative spread 1/√d).
 */
final class EtaAnalysis {

  /** The target: median absolute error at most 20% of the mean actual wait. */
  static final double TARGET = 0.20;
  private static final int[] BUCKET_LOWER = {0, 1, 2, 5, 10, 20, 50};

  /** The scores of one predictor. */
  record Score(double meanPredicted, double bias, double medianAbsErrorMs, double relativeToMeanWait,
      double medianRelativeErrorWaited, double medianRelativeErrorQueued) {
    JsonObject toJson() {
      return new JsonObject().put("meanPredictedWaitMs", RunInfo.num(meanPredicted, 2)).put("bias", RunInfo.num(bias, 3))
          .put("medianAbsErrorMs", RunInfo.num(medianAbsErrorMs, 2))
          .put("medianAbsErrorOverMeanWait", RunInfo.num(relativeToMeanWait, 4))
          .put("medianRelativeErrorWaitedOver0", RunInfo.num(medianRelativeErrorWaited, 4))
          .put("medianRelativeErrorHadToQueue", RunInfo.num(medianRelativeErrorQueued, 4));
    }
  }

  final double targetRho;
  final JsonObject busbarView;
  final int servers;
  final int jobs;
  final double lambdaPerMs;
  final double meanServiceMs;
  final double rho;
  final double meanWait;
  final double p99Wait;
  final double waitedShare;
  final double erlangCWait;
  final double erlangCWaitProbability;
  final Score busbar;
  final Score oracle;
  final double medianD;
  final JsonArray buckets = new JsonArray();

  EtaAnalysis(double targetRho, int servers, List<JobSample> run, double warmupSeconds, double measureSeconds,
      JsonObject busbarView) {
    this.targetRho = targetRho;
    this.busbarView = busbarView;
    this.servers = servers;
    meanServiceMs = run.stream().mapToLong(JobSample::serviceMs).average().orElse(Double.NaN);
    int[] d = departuresNeeded(run, servers);
    List<Integer> in = new ArrayList<>();
    for (int i = 0; i < run.size(); i++) {
      double offset = run.get(i).arrival().offsetSeconds();
      if (offset >= warmupSeconds && offset < warmupSeconds + measureSeconds) {
        in.add(i);
      }
    }
    jobs = in.size();
    double[] actual = in.stream().mapToDouble(i -> run.get(i).waitMs()).toArray();
    double[] predicted = in.stream().mapToDouble(i -> run.get(i).predictedWaitMs()).toArray();
    double[] ideal = in.stream().mapToDouble(i -> d[i] * meanServiceMs / servers).toArray();
    int[] dIn = in.stream().mapToInt(i -> d[i]).toArray();
    long first = in.stream().mapToLong(i -> run.get(i).createdAt()).min().orElse(0);
    long last = in.stream().mapToLong(i -> run.get(i).createdAt()).max().orElse(1);
    lambdaPerMs = (jobs - 1) / (double) Math.max(1, last - first);
    rho = lambdaPerMs * meanServiceMs / servers;
    meanWait = Stats.mean(actual);
    p99Wait = Stats.quantile(actual, 0.99);
    waitedShare = java.util.Arrays.stream(actual).filter(w -> w > 0).count() / (double) jobs;
    erlangCWait = QueueTheory.erlangCWait(servers, lambdaPerMs, 1 / meanServiceMs);
    erlangCWaitProbability = QueueTheory.erlangC(servers, lambdaPerMs * meanServiceMs);
    busbar = score(predicted, actual, dIn);
    oracle = score(ideal, actual, dIn);
    medianD = Stats.median(java.util.Arrays.stream(dIn).filter(x -> x > 0).asDoubleStream().toArray());
    for (int b = 0; b < BUCKET_LOWER.length; b++) {
      int lo = BUCKET_LOWER[b];
      int hi = b + 1 < BUCKET_LOWER.length ? BUCKET_LOWER[b + 1] : Integer.MAX_VALUE;
      IntPredicate inBucket = x -> dIn[x] >= lo && dIn[x] < hi;
      double[] a = select(actual, inBucket);
      if (a.length == 0) {
        continue;
      }
      double[] p = select(predicted, inBucket);
      double[] o = select(ideal, inBucket);
      String label = hi == Integer.MAX_VALUE ? lo + "+" : lo == hi - 1 ? "" + lo : lo + "-" + (hi - 1);
      buckets.add(new JsonObject().put("d", label)
          .put("jobs", a.length).put("meanActualMs", RunInfo.num(Stats.mean(a), 2))
          .put("meanBusbarMs", RunInfo.num(Stats.mean(p), 2)).put("meanOracleMs", RunInfo.num(Stats.mean(o), 2))
          .put("busbarMedianAbsErrorMs", RunInfo.num(Stats.median(absDiff(p, a)), 2))
          .put("oracleMedianAbsErrorMs", RunInfo.num(Stats.median(absDiff(o, a)), 2)));
    }
  }

  /**
   * For each job (in FCFS order), the departures it had to wait for: {@code max(0, k − (c − b) + 1)} with k the
   * earlier jobs not started when it was created and b the jobs running then. Timestamps are whole ms; a job that
   * started (or finished) in the very ms another was created counts as started (finished) already.
   */
  static int[] departuresNeeded(List<JobSample> run, int servers) {
    int[] d = new int[run.size()];
    for (int i = 0; i < run.size(); i++) {
      long created = run.get(i).createdAt();
      int ahead = 0;
      int busy = 0;
      int doneInARow = 0;
      for (int j = i - 1; j >= 0 && doneInARow < 200; j--) {
        JobSample before = run.get(j);
        if (before.startedAt() > created) {
          ahead++;
          doneInARow = 0;
        } else if (before.finishedAt() > created) {
          busy++;
          doneInARow = 0;
        } else {
          doneInARow++;
        }
      }
      d[i] = Math.max(0, ahead - (servers - Math.min(busy, servers)) + 1);
    }
    return d;
  }

  private static Score score(double[] predicted, double[] actual, int[] d) {
    double[] abs = absDiff(predicted, actual);
    double meanActual = Stats.mean(actual);
    List<Double> relWaited = new ArrayList<>();
    List<Double> relQueued = new ArrayList<>();
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] > 0) {
        relWaited.add(abs[i] / actual[i]);
        if (d[i] > 0) {
          relQueued.add(abs[i] / actual[i]);
        }
      }
    }
    double meanPredicted = Stats.mean(predicted);
    return new Score(meanPredicted, meanPredicted / meanActual, Stats.median(abs), Stats.median(abs) / meanActual,
        Stats.median(relWaited.stream().mapToDouble(x -> x).toArray()),
        Stats.median(relQueued.stream().mapToDouble(x -> x).toArray()));
  }

  private static double[] absDiff(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.abs(a[i] - b[i]);
    }
    return out;
  }

  private static double[] select(double[] values, IntPredicate keep) {
    return java.util.stream.IntStream.range(0, values.length).filter(keep).mapToDouble(i -> values[i]).toArray();
  }

  JsonObject toJson() {
    return new JsonObject().put("targetRho", targetRho).put("servers", servers).put("jobs", jobs)
        .put("measured", new JsonObject().put("arrivalRatePerS", RunInfo.num(lambdaPerMs * 1000, 2))
            .put("meanServiceMs", RunInfo.num(meanServiceMs, 3)).put("rho", RunInfo.num(rho, 4))
            .put("meanWaitMs", RunInfo.num(meanWait, 2)).put("p99WaitMs", RunInfo.num(p99Wait, 1))
            .put("waitedShare", RunInfo.num(waitedShare, 4)))
        .put("erlangC", new JsonObject().put("meanWaitMs", RunInfo.num(erlangCWait, 2))
            .put("waitProbability", RunInfo.num(erlangCWaitProbability, 4)))
        .put("busbarQueueStatsInWindow", busbarView)
        .put("busbar", busbar.toJson().put("targetMet", busbar.relativeToMeanWait() <= TARGET))
        .put("oracle", oracle.toJson()).put("medianDeparturesWhenQueued", RunInfo.num(medianD, 1))
        .put("byDepartures", buckets);
  }
}
