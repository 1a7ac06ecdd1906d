package io.busbar.bench.sched;

import io.busbar.bench.common.BenchArgs;
import io.busbar.bench.sched.SchedAnalysis.PolicyKind;
import io.busbar.bench.sched.SchedAnalysis.Window;
import io.busbar.bench.sched.Schedule.Arrival;
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
 * Scheduling benchmark (issue 4): one heavy-tailed workload with Poisson arrivals on a single worker, replayed
 * identically into an {@code fcfs}, an {@code sjf} and a {@code priority} queue, each with its own pool of one
 * thread. Reports each policy's mean and p99 wait next to an ideal scheduler on the same sample path and to
 * queueing theory (Pollaczek–Khinchine, Phipps, Cobham). See bench/README.md, "Scheduling and ETA accuracy".
 *
 * <p>Exit codes: 0 done (whether or not the target is met), 1 the server or the run failed, 2 a bad setting.
 */
public final class SchedulingBench {

  private SchedulingBench() {
  }

  static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("warmup", "20");
    d.put("measure", "180");
    d.put("cooldown", "10");
    d.put("rho", "0.8");
    d.put("alpha", "1.5");
    d.put("low", "3.7");
    d.put("high", "500");
    d.put("short", "10");
    d.put("seed", "42");
    d.put("policies", "fcfs,sjf,priority");
    d.put("mode", "parallel");
    d.put("calibrate", "40");
    d.put("batches", "10");
    d.putAll(Harness.commonDefaults());
    return d;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(BenchArgs.parse(args, defaults()), System.out);
    } catch (BenchArgs.BadSetting e) {
      System.err.println("scheduling bench: invalid setting: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      System.err.println("scheduling bench failed: " + e);
      code = 1;
    }
    System.exit(code);
  }

  static int run(BenchArgs args, PrintStream out) throws Exception {
    double warmup = args.number("warmup", 0, 3600);
    double measure = args.number("measure", 1, 3600);
    double cooldown = args.number("cooldown", 0, 3600);
    double rho = args.number("rho", 0.01, 0.99);
    ServiceDistribution distribution = ServiceDistribution.boundedPareto(args.number("alpha", 0.1, 10),
        args.number("low", 1.5, 1000), args.number("high", 2, 100_000));
    int shortMs = args.whole("short", 1, 100_000);
    long seed = (long) args.number("seed", 0, Long.MAX_VALUE);
    List<PolicyKind> policies = args.list("policies").stream().map(PolicyKind::parse).distinct().toList();
    String mode = args.string("mode");
    if (!mode.equals("parallel") && !mode.equals("sequential")) {
      throw new BenchArgs.BadSetting("mode", "parallel or sequential, got \"" + mode + "\"");
    }
    double calibrate = args.number("calibrate", 0, 600);
    Window window = new Window(warmup, measure, args.whole("batches", 2, 100), shortMs);
    Path results = Harness.resultsDir(args);

    JsonObject queues = new JsonObject().put("default", new JsonObject().put("policy", "fcfs").put("pool", "jobs"));
    JsonObject pools = new JsonObject().put("jobs", new JsonObject().put("kind", "fixed").put("size", 2));
    for (PolicyKind p : policies) {
      JsonObject queue = new JsonObject().put("policy", p.configName()).put("pool", p.queue())
          .put("maxWaitMs", 3_600_000);
      if (p == PolicyKind.PRIORITY) {
        queue.put("agingIntervalMs", 3_600_000);
      }
      queues.put(p.queue(), queue);
      pools.put(p.queue(), new JsonObject().put("kind", "fixed").put("size", 1));
    }

    String startedAt = Instant.now().toString();
    String loadBefore = RunInfo.loadAverage();
    try (Harness harness = Harness.start(args, queues, pools)) {
      List<String> calibrationQueues = mode.equals("parallel") ? policies.stream().map(PolicyKind::queue).toList()
          : List.of(policies.get(0).queue());
      Harness.Calibration calibration = harness.calibrate(calibrationQueues, 1, calibrate);
      double overhead = calibration.overheadMs();
      double sleepOvershoot = Harness.driverSleepOvershootMs(100);
      double lambdaPerS = rho / (distribution.mean() + overhead) * 1000;
      Schedule schedule = Schedule.poisson(distribution, lambdaPerS, warmup + measure + cooldown, seed,
          ms -> ms <= shortMs ? 1 : 0);
      out.printf("scheduling bench: %d arrivals over %.0f s at λ = %.2f/s (calibrated overhead %.3f ms/job; "
          + "Thread.sleep(10) in the driver oversleeps %.3f ms)%n", schedule.arrivals().size(), schedule.seconds(),
          lambdaPerS, overhead, sleepOvershoot);

      List<List<PolicyKind>> groups = mode.equals("parallel") ? List.of(policies)
          : policies.stream().map(List::of).toList();
      Map<PolicyKind, List<JobSample>> byPolicy = new LinkedHashMap<>();
      Map<PolicyKind, JsonObject> busbarViews = new LinkedHashMap<>();
      JsonArray replays = new JsonArray();
      for (List<PolicyKind> group : groups) {
        List<String> names = group.stream().map(PolicyKind::queue).toList();
        out.printf("  replaying into %s …%n", names);
        List<JobSample> samples = harness.replay(schedule, names, "run", SchedulingBench::spec);
        for (PolicyKind p : group) {
          byPolicy.put(p, samples.stream().filter(s -> s.queue().equals(p.queue())).toList());
          busbarViews.put(p, QueuePoller.average(harness.lastQueuePolls(), p.queue(), warmup, warmup + measure));
        }
        double[] late = harness.lastLatenessMicros();
        replays.add(new JsonObject().put("queues", new JsonArray(names)).put("submitLateMeanUs", RunInfo.num(late[0], 1))
            .put("submitLateP99Us", RunInfo.num(late[1], 1)));
      }

      List<SchedAnalysis> analyses = new ArrayList<>();
      byPolicy.forEach((p, samples) -> analyses.add(new SchedAnalysis(p, samples, window, lambdaPerS / 1000,
          distribution, overhead, busbarViews.get(p))));
      SchedReport report = new SchedReport(distribution, schedule, window, overhead, mode, analyses);
      report.print(out);

      JsonObject json = new JsonObject().put("benchmark", "scheduling").put("startedAt", startedAt)
          .put("finishedAt", Instant.now().toString()).put("settings", new JsonObject(new LinkedHashMap<>(args.used())))
          .put("machine", RunInfo.machine().put("loadAverageBefore", loadBefore))
          .put("busbarJar", new JsonObject(harness.server().jarInfo()))
          .put("workload", new JsonObject().put("distribution", new JsonObject(distribution.describe()))
              .put("meanServiceMs", RunInfo.num(distribution.mean(), 3))
              .put("secondMomentMs2", RunInfo.num(distribution.moment(2), 1))
              .put("scv", RunInfo.num(distribution.scv(), 3))
              .put("shortShare", RunInfo.num(shortShare(distribution, shortMs), 4))
              .put("scheduleMeanServiceMs", RunInfo.num(schedule.meanServiceMs(), 3))
              .put("arrivalRatePerS", RunInfo.num(lambdaPerS, 3)).put("arrivals", schedule.arrivals().size())
              .put("nominalRho", RunInfo.num(lambdaPerS / 1000 * distribution.mean(), 4)))
          .put("calibration", calibration.toJson()
              .put("driverSleep10MsOvershootMs", RunInfo.num(sleepOvershoot, 3)))
          .put("replays", replays).put("policies", new JsonArray(analyses.stream().map(SchedAnalysis::toJson).toList()))
          .put("summary", report.summaryJson());
      Path file = RunInfo.write(results, "sched", json);
      out.println();
      out.println("JSON: " + file);
    }
    return 0;
  }

  /** The job of an arrival on a policy's queue: sjf gets the true size as costMs, priority the class. */
  static JsonObject spec(Arrival arrival, String queue) {
    JsonObject spec = Harness.sleepSpec(arrival, queue);
    if (queue.equals(PolicyKind.SJF.queue())) {
      spec.put("costMs", arrival.serviceMs());
    } else if (queue.equals(PolicyKind.PRIORITY.queue())) {
      spec.put("priority", arrival.priority());
    }
    return spec;
  }

  static double shortShare(ServiceDistribution distribution, int shortMs) {
    double[] pmf = distribution.pmf();
    double share = 0;
    for (int k = 0; k <= Math.min(shortMs, pmf.length - 1); k++) {
      share += pmf[k];
    }
    return share;
  }
}
