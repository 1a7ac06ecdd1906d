package io.busbar.bench.sched;

import io.busbar.bench.common.BenchArgs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ETA accuracy benchmark (issue 4): near-exponential service times and Poisson arrivals on an FCFS queue with
 * {@code c} workers, at several loads one after the other (each on a fresh queue and pool). For every job, Busbar's
 * predicted wait at submission is compared with its actual wait. See bench/README.md, "Scheduling and ETA accuracy".
 *
 * <p>Exit codes: 0 done (whether or not the target is met), 1 the server or the run failed, 2 a bad setting.
 */
public final class EtaBench {

  private EtaBench() {
  }

  static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("warmup", "10");
    d.put("measure", "50");
    d.put("cooldown", "2");
    d.put("loads", "0.5,0.8,0.95");
    d.put("servers", "2");
    d.put("mean", "10");
    d.put("min", "2");
    d.put("seed", "7");
    d.put("calibrate", "40");
    d.putAll(Harness.commonDefaults());
    return d;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(BenchArgs.parse(args, defaults()), System.out);
    } catch (BenchArgs.BadSetting e) {
      System.err.println("eta bench: invalid setting: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      System.err.println("eta bench failed: " + e);
      code = 1;
    }
    System.exit(code);
  }

  static String queueOf(double load) {
    return "eta-" + Math.round(load * 100);
  }

  static int run(BenchArgs args, PrintStream out) throws Exception {
    double warmup = args.number("warmup", 0, 3600);
    double measure = args.number("measure", 1, 3600);
    double cooldown = args.number("cooldown", 0, 3600);
    List<Double> loads = args.numbers("loads", 0.01, 0.99);
    int servers = args.whole("servers", 1, 64);
    ServiceDistribution distribution = ServiceDistribution.exponential(args.number("mean", 2, 10_000),
        args.whole("min", 1, 1000));
    long seed = (long) args.number("seed", 0, Long.MAX_VALUE);
    double calibrate = args.number("calibrate", 0, 600);
    Path results = Harness.resultsDir(args);

    JsonObject queues = new JsonObject().put("default", new JsonObject().put("policy", "fcfs").put("pool", "jobs"))
        .put("eta-cal", new JsonObject().put("policy", "fcfs").put("pool", "eta-cal"));
    JsonObject pools = new JsonObject().put("jobs", new JsonObject().put("kind", "fixed").put("size", 2))
        .put("eta-cal", new JsonObject().put("kind", "fixed").put("size", servers));
    for (double load : loads) {
      queues.put(queueOf(load), new JsonObject().put("policy", "fcfs").put("pool", queueOf(load)));
      pools.put(queueOf(load), new JsonObject().put("kind", "fixed").put("size", servers));
    }

    String startedAt = Instant.now().toString();
    String loadBefore = RunInfo.loadAverage();
    try (Harness harness = Harness.start(args, queues, pools)) {
      Harness.Calibration calibration = harness.calibrate(List.of("eta-cal"), servers, calibrate);
      double overhead = calibration.overheadMs();
      double sleepOvershoot = Harness.driverSleepOvershootMs(100);
      out.printf("eta bench: service %s, E[S] = %.2f ms, C² = %.2f; c = %d; calibrated overhead %.3f ms/job "
          + "(Thread.sleep(10) in the driver oversleeps %.3f ms)%n", distribution.describe(), distribution.mean(),
          distribution.scv(), servers, overhead, sleepOvershoot);
      List<EtaAnalysis> analyses = new ArrayList<>();
      JsonArray replays = new JsonArray();
      for (double load : loads) {
        double lambdaPerS = load * servers / (distribution.mean() + overhead) * 1000;
        Schedule schedule = Schedule.poisson(distribution, lambdaPerS, warmup + measure + cooldown, seed, ms -> 0);
        out.printf("  ρ %.2f: %d arrivals at λ = %.1f/s into %s …%n", load, schedule.arrivals().size(), lambdaPerS,
            queueOf(load));
        List<JobSample> samples = harness.replay(schedule, List.of(queueOf(load)), "run",
            Harness::sleepSpec);
        analyses.add(new EtaAnalysis(load, servers, samples, warmup, measure,
            QueuePoller.average(harness.lastQueuePolls(), queueOf(load), warmup, warmup + measure)));
        double[] late = harness.lastLatenessMicros();
        replays.add(new JsonObject().put("queue", queueOf(load)).put("arrivalRatePerS", RunInfo.num(lambdaPerS, 3))
            .put("arrivals", schedule.arrivals().size()).put("submitLateMeanUs", RunInfo.num(late[0], 1))
            .put("submitLateP99Us", RunInfo.num(late[1], 1)));
      }
      print(out, analyses);
      JsonObject json = new JsonObject().put("benchmark", "eta").put("startedAt", startedAt)
          .put("finishedAt", Instant.now().toString()).put("settings", new JsonObject(new LinkedHashMap<>(args.used())))
          .put("machine", RunInfo.machine().put("loadAverageBefore", loadBefore))
          .put("busbarJar", new JsonObject(harness.server().jarInfo()))
          .put("workload", new JsonObject().put("distribution", new JsonObject(distribution.describe()))
              .put("meanServiceMs", RunInfo.num(distribution.mean(), 3)).put("scv", RunInfo.num(distribution.scv(), 3)))
          .put("calibration", calibration.toJson()
              .put("driverSleep10MsOvershootMs", RunInfo.num(sleepOvershoot, 3)))
          .put("target", EtaAnalysis.TARGET).put("replays", replays)
          .put("loads", new JsonArray(analyses.stream().map(EtaAnalysis::toJson).toList()));
      Path file = RunInfo.write(results, "eta", json);
      out.println();
      out.println("JSON: " + file);
    }
    return 0;
  }

  private static void print(PrintStream out, List<EtaAnalysis> analyses) {
    out.println();
    out.println("                               actual wait ms        Erlang C   | Busbar ETA                           "
        + "| oracle (exact state, true E[S])    | median d");
    out.println("ρ target ρ meas  jobs  P(wait)  mean    p99     mean  P(wait) | mean   bias  medAE  /mean  rel(w>0) "
        + "| bias  medAE  /mean  rel(w>0)      | (queued)");
    for (EtaAnalysis a : analyses) {
      out.printf("  %4.2f   %5.3f %6d  %5.3f  %6.1f %7.0f  %6.1f  %5.3f  | %6.1f %5.2f %6.1f %5.1f%% %6.1f%%  "
          + "| %5.2f %6.1f %5.1f%% %6.1f%%       | %5.0f%n", a.targetRho, a.rho, a.jobs, a.waitedShare, a.meanWait,
          a.p99Wait, a.erlangCWait, a.erlangCWaitProbability, a.busbar.meanPredicted(), a.busbar.bias(),
          a.busbar.medianAbsErrorMs(), 100 * a.busbar.relativeToMeanWait(), 100 * a.busbar.medianRelativeErrorWaited(),
          a.oracle.bias(), a.oracle.medianAbsErrorMs(), 100 * a.oracle.relativeToMeanWait(),
          100 * a.oracle.medianRelativeErrorWaited(), a.medianD);
    }
    out.println("Busbar's own model (/api/queues, mean of the polls in the window; its λ is a 60-s sliding mean that"
        + " lags behind a load that started less than 60 s ago):");
    for (EtaAnalysis a : analyses) {
      out.printf("  ρ %.2f: ρ %s, mean service %s ms (measured %.2f), Erlang C wait %s ms (measured mean wait %.1f)%n",
          a.targetRho, a.busbarView.getValue("utilisation"), a.busbarView.getValue("meanServiceMs"), a.meanServiceMs,
          a.busbarView.getValue("predictedWaitMs"), a.meanWait);
    }
    out.printf("target: Busbar's median |error| ≤ %.0f%% of the mean actual wait: %s%n", 100 * EtaAnalysis.TARGET,
        analyses.stream().map(a -> String.format("ρ %.2f %s", a.targetRho,
            a.busbar.relativeToMeanWait() <= EtaAnalysis.TARGET ? "MET" : "NOT MET")).toList());
  }
}
