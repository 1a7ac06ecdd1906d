package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.jobs.Job;
import io.busbar.jobs.JobReceipt;
import io.busbar.jobs.JobState;
import io.busbar.jobs.JobsClient;
import io.busbar.testsupport.Await;
import io.busbar.testsupport.Browser;
import io.busbar.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (headless Chromium) against a node started in the test, with the default
 * permissions of {@code conf/busbar.json}: the page must work with what any client may do, and no more.
 * Every run saves {@code target/dashboard.png} (the overview under load), {@code target/dashboard-jobs.png} and
 * {@code target/dashboard-console.png}.
 */
class DashboardIT {

  private static final int WIDTH = 1440;
  private static TestNode node;
  private static JobsClient jobs;
  private static Browser browser;

  @BeforeAll
  static void start() throws IOException {
    Browser.requireChromium();
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf", "busbar.json")));
    node = TestNode.start(new JsonObject().put("bridge", defaults.getJsonObject("bridge")));
    jobs = new JobsClient(node.vertx().eventBus());
    browser = Browser.open(WIDTH, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void openDashboard() {
    browser.get("http://127.0.0.1:" + node.port() + "/");
    browser.until("the bridge to connect", () -> "open".equals(browser.find("#conn").getAttribute("data-state")));
    browser.until("a first statistics snapshot", () -> !attr("[data-tile=waiting]", "data-value").isEmpty());
  }

  @AfterEach
  void noErrorsInThePage() {
    assertThat(browser.errors()).as("errors in the browser console or uncaught in the page").isEmpty();
  }

  @Test
  void pageLoadsLiveWithoutConsoleErrors() {
    assertThat(browser.driver().getTitle()).isEqualTo("Busbar");
    assertThat(text("#node-name")).as("the node's name, as in /api/cluster and the meters").isNotBlank()
        .doesNotContain(" ");
    assertThat(text("#nodes .node .kv dd")).as("its roles and gateway address").contains(":" + node.port());
    assertThat(attrs("#queues-table tbody tr[data-queue]", "data-queue")).containsExactly("default", "priority", "cpu");
    assertThat(attrs("#nodes .node", "data-node")).hasSize(1);
    assertThat(attrs("#pools-table tr[data-pool]", "data-pool")).containsExactly("jobs", "jobs-cpu");
    // Snapshots keep arriving over the WebSocket: no page reload, no polling.
    int points = Integer.parseInt(attr("[data-chart='default/length']", "data-points"));
    browser.until("the next snapshot", () -> Integer.parseInt(attr("[data-chart='default/length']", "data-points")) > points);
  }

  @Test
  void chartsUpdateWhenJobsAreSubmitted() {
    for (int i = 0; i < 8; i++) {
      submit(new JsonObject().put("type", "sleep").put("queue", "priority").put("payload",
          new JsonObject().put("ms", 1000).put("steps", 1)));
    }
    browser.until("the priority queue's arrival rate to show on its chart",
        () -> number(latest("priority/throughput"), "lambda") > 0);
    browser.until("jobs to show as running on the length chart", () -> number(max("priority/length"), "running") > 0);
    browser.until("completions to show on the throughput chart", () -> number(latest("priority/throughput"), "done") > 0);
    browser.until("the measured wait percentiles to appear", () -> latest("priority/wait").getValue("p99") != null);
    browser.until("the service time percentiles to appear", () -> latest("priority/service").getValue("p50") != null);
    String sleepRow = "details[data-queue=priority] tr[data-type=sleep]";
    browser.until("the eight sleeps in the queue's table of job types", () -> attr(sleepRow, "data-count").equals("8"));
    assertThat(Double.parseDouble(attr(sleepRow, "data-p50"))).isBetween(900.0, 5000.0);
    assertThat(browser.find("details[data-queue=priority]").getAttribute("open")).isNotNull();
    assertThat(text("#queues-table tr[data-queue=priority]")).doesNotContain("0/s 0/s");
  }

  @Test
  void aJobsProgressBarMovesAndItsResultShows() {
    showJobs();
    chooseType("sleep");
    typePayload("{\"ms\": 1200, \"steps\": 8}");
    browser.click("#submit-button");
    browser.until("the job's detail to open", () -> browser.find("#job-detail").isDisplayed());
    Set<String> progress = new LinkedHashSet<>();
    browser.until("the job to succeed", () -> {
      progress.add(attr("#job-detail", "data-progress"));
      return "succeeded".equals(attr("#job-detail", "data-state"));
    });
    assertThat(progress.stream().mapToDouble(Double::parseDouble).filter(p -> p > 0 && p < 1).count())
        .as("progress values seen between 0 and 1: %s", progress).isGreaterThanOrEqualTo(2);
    assertThat(text("#job-result")).contains("\"sleptMs\"").contains("1200");
    assertThat(text("#job-progress-text")).isEqualTo("100%");
    assertThat(browser.find("#job-cancel").isEnabled()).isFalse();
    // Events carry where the job stands; what it was submitted with stays on show.
    assertThat(text("#job-payload")).contains("\"steps\"").contains("1200");
  }

  @Test
  void cancelStopsARunningJob() {
    showJobs();
    chooseType("sleep");
    typePayload("{\"ms\": 30000, \"steps\": 30}");
    browser.click("#submit-button");
    browser.until("the job to run", () -> "running".equals(attr("#job-detail", "data-state")));
    String id = attr("#job-detail", "data-job");
    browser.click("#job-cancel");
    browser.until("the job to show as cancelled", () -> "cancelled".equals(attr("#job-detail", "data-state")));
    assertThat(Await.result(jobs.get(id)).state()).isEqualTo(JobState.CANCELLED);
    assertThat(text("#job-error")).startsWith("cancelled");
  }

  @Test
  void retryQueuesADeadLetteredJobAgain() {
    showJobs();
    chooseType("fail");
    typePayload("{\"message\": \"boom\"}");
    browser.click("#submit-button");
    browser.until("the job to be dead-lettered", () -> "dead_lettered".equals(attr("#job-detail", "data-state")));
    assertThat(text("#job-error")).contains("boom");
    String id = attr("#job-detail", "data-job");
    long firstEnd = Long.parseLong(attr("#job-detail", "data-finished"));
    browser.click("#job-retry");
    // "fail" fails every attempt: the retried job runs again, with fresh attempts, and is dead-lettered again.
    browser.until("the retried job to have run and ended again",
        () -> Long.parseLong(attr("#job-detail", "data-finished")) > firstEnd
            && "dead_lettered".equals(attr("#job-detail", "data-state")));
    Job job = Await.result(jobs.get(id));
    assertThat(job.finishedAt()).isGreaterThan(firstEnd);
    assertThat(job.state()).isEqualTo(JobState.DEAD_LETTERED);
    assertThat(browser.find("#job-retry").isEnabled()).isTrue();
  }

  @Test
  void theJobListFiltersByQueueAndStateAndFindsAJobById() {
    String id = submit(new JsonObject().put("type", "echo").put("queue", "cpu")
        .put("payload", new JsonObject().put("marker", "needle-42"))).id();
    Await.result(jobs.get(id, 10_000));
    showJobs();
    new Select(browser.find("#filter-queue")).selectByValue("cpu");
    new Select(browser.find("#filter-state")).selectByValue("succeeded");
    browser.until("the job in the filtered list", () -> !browser.findAll("#jobs-table tr[data-job='" + id + "']").isEmpty());
    assertThat(attrs("#jobs-table tbody tr[data-job]", "data-state")).containsOnly("succeeded");
    browser.find("#filter-search").sendKeys("needle-42");
    browser.until("only the matching job", () -> rows().equals(List.of(id)));
    browser.find("#filter-search").clear();
    browser.find("#filter-search").sendKeys(id);
    browser.until("the job found by its id", () -> rows().equals(List.of(id)));
    browser.click("#jobs-table tr[data-job='" + id + "']");
    browser.until("its detail", () -> id.equals(attr("#job-detail", "data-job")));
    assertThat(text("#job-payload")).contains("needle-42");
  }

  @Test
  void theConsoleShowsTheReplyOfASend() {
    showConsole();
    setAddress("demo.echo");
    WebElement body = browser.find("#console-body");
    body.clear();
    body.sendKeys("{\"hello\": \"from the browser\"}");
    browser.click("#console-send");
    browser.until("the reply", () -> !browser.findAll("#console-log .log-entry.reply").isEmpty());
    assertThat(text("#console-log .log-entry.reply")).contains("from the browser").contains("demo.echo");
  }

  @Test
  void theConsoleSubscribesAndSeesPublishedMessages() {
    showConsole();
    setAddress("demo.ticks");
    browser.click("#console-subscribe");
    browser.until("a tick", () -> !browser.findAll("#console-log .log-entry.message").isEmpty());
    assertThat(text("#console-log .log-entry.message")).contains("\"seq\"");
    assertThat(browser.findAll("#console-subs .sub-item[data-address='demo.ticks']")).hasSize(1);
  }

  @Test
  void aForbiddenAddressIsRefused() {
    showConsole();
    setAddress("secret.orders");
    browser.click("#console-send");
    browser.until("the refusal of the send", () -> !browser.findAll("#console-log .log-entry.error").isEmpty());
    assertThat(text("#console-log .log-entry.error"))
        .contains("access_denied").contains("sending to \"secret.orders\" is not permitted");
    browser.click("#console-subscribe");
    browser.until("the refusal of the subscription", () -> browser.findAll("#console-log .log-entry.error").size() == 2);
    assertThat(text("#console-log .log-entry.error"))
        .contains("access_denied").contains("listening on \"secret.orders\" is not permitted");
    browser.until("the refused subscription to be dropped",
        () -> browser.findAll("#console-subs .sub-item[data-address='secret.orders']").isEmpty());
    // Internal addresses stay closed to the page whatever the rules say.
    setAddress("__busbar.stats.history");
    browser.click("#console-send");
    browser.until("the refusal of an internal address", () -> browser.findAll("#console-log .log-entry.error").size() == 3);
  }

  @Test
  void screenshotsUnderLoad() {
    // A steady mix for about ten seconds: sleeps on the elastic pool, hashes on the fixed cpu pool, a little
    // priority work and now and then a job that fails, so every chart has something to say.
    List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] tick = {0};
    long timer = node.vertx().setPeriodic(125, t -> {
      int i = tick[0]++;
      List<JsonObject> specs = new ArrayList<>();
      specs.add(new JsonObject().put("type", "sleep").put("payload",
          new JsonObject().put("ms", 250 + 60 * (i % 7)).put("steps", 4)));
      specs.add(new JsonObject().put("type", "hash").put("queue", "cpu")
          .put("payload", new JsonObject().put("data", "load-" + i).put("iterations", 60_000 + 30_000 * (i % 4))));
      if (i % 3 == 0) {
        specs.add(new JsonObject().put("type", "echo").put("queue", "priority").put("priority", i % 10)
            .put("payload", new JsonObject().put("n", i)));
      }
      if (i % 16 == 0) {
        specs.add(new JsonObject().put("type", "fail").put("maxAttempts", 2).put("backoffMs", 200)
            .put("payload", new JsonObject().put("message", "disk full")));
      }
      specs.forEach(spec -> jobs.submit(spec).onSuccess(r -> ids.add(r.id())));
    });
    try {
      int start = Integer.parseInt(attr("[data-chart='default/throughput']", "data-points"));
      browser.until("ten seconds of load on the charts", () -> number(latest("default/throughput"), "lambda") > 0
          && Integer.parseInt(attr("[data-chart='default/throughput']", "data-points")) >= start + 10
          && latest("cpu/service").getValue("p50") != null && latest("default/wait").getValue("p50") != null);
      browser.screenshot(Path.of("target", "dashboard.png"), WIDTH);
      browser.click("#theme");
      browser.until("the dark theme", () -> "dark".equals(attr("html", "data-theme")));
      browser.screenshot(Path.of("target", "dashboard-dark.png"), WIDTH);
      browser.click("#theme");
    } finally {
      node.vertx().cancelTimer(timer);
    }

    ids.forEach(id -> Await.result(jobs.get(id, 20_000)));
    showJobs();
    browser.until("the list", () -> !rows().isEmpty());
    browser.click("#jobs-table tbody tr[data-job]");
    browser.until("a job's detail", () -> browser.find("#job-detail").isDisplayed());
    browser.screenshot(Path.of("target", "dashboard-jobs.png"), WIDTH);

    showConsole();
    setAddress("demo.echo");
    browser.click("#console-send");
    setAddress("demo.ticks");
    browser.click("#console-subscribe");
    setAddress("secret");
    browser.click("#console-publish");
    browser.until("the console's log", () -> browser.findAll("#console-log .log-entry").size() >= 5);
    browser.screenshot(Path.of("target", "dashboard-console.png"), WIDTH);
    assertThat(Path.of("target", "dashboard.png")).isNotEmptyFile();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static JobReceipt submit(JsonObject spec) {
    return Await.result(jobs.submit(spec));
  }

  /** An attribute, read in one step in the page (the views re-render, so a found element can go stale). */
  private static String attr(String css, String name) {
    Object value = browser.script("const e = document.querySelector(arguments[0]); "
        + "return e ? e.getAttribute(arguments[1]) : null;", css, name);
    return value == null ? "" : value.toString();
  }

  private static String text(String css) {
    Object value = browser.script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    return value == null ? "" : value.toString();
  }

  private static JsonObject max(String chart) {
    String json = attr("[data-chart='" + chart + "']", "data-max");
    return json.isEmpty() ? new JsonObject() : new JsonObject(json);
  }

  private static JsonObject latest(String chart) {
    String json = attr("[data-chart='" + chart + "']", "data-latest");
    return json.isEmpty() ? new JsonObject() : new JsonObject(json);
  }

  /** A number of a chart's latest values; 0 when absent or null. */
  private static double number(JsonObject values, String key) {
    Object value = values.getValue(key);
    return value instanceof Number n ? n.doubleValue() : 0;
  }

  private static List<String> rows() {
    return attrs("#jobs-table tbody tr[data-job]", "data-job");
  }

  /** An attribute of every element matching {@code css}, read in one step in the page. */
  private static List<String> attrs(String css, String name) {
    List<?> values = (List<?>) browser.script("return [...document.querySelectorAll(arguments[0])]"
        + ".map(e => e.getAttribute(arguments[1]));", css, name);
    return values.stream().map(String::valueOf).toList();
  }

  private static void showJobs() {
    browser.click(".tabs a[data-tab=jobs]");
    browser.until("the job types", () -> !new Select(browser.find("#submit-type")).getOptions().isEmpty());
  }

  private static void showConsole() {
    browser.click(".tabs a[data-tab=console]");
    browser.until("the console", () -> browser.find("#console-form").isDisplayed());
  }

  private static void chooseType(String type) {
    new Select(browser.find("#submit-type")).selectByValue(type);
  }

  private static void typePayload(String json) {
    WebElement payload = browser.find("#submit-payload");
    payload.clear();
    payload.sendKeys(json);
  }

  private static void setAddress(String address) {
    WebElement field = browser.find("#console-address");
    field.clear();
    field.sendKeys(address);
  }
}
