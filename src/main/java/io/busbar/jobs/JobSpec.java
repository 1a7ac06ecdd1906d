package io.busbar.jobs;

import io.busbar.bus.Addresses;
import io.busbar.config.JobsConfig;
import io.busbar.support.Numbers;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A job as submitted: the body of {@code POST /api/jobs} and of {@code jobs.submit}.
 *
 * <pre>{@code
 * {"type": "hash",                 // required: which handler runs it
 *  "payload": {...},               // any JSON, given to the handler
 *  "queue": "cpu",                 // default: jobs.defaultQueue
 *  "priority": 0,                  // -1000..1000, higher first (priority queues)
 *  "costMs": 120,                  // estimated run time (sjf queues); default: learned per type
 *  "timeoutMs": 30000,             // per attempt; default none
 *  "maxAttempts": 3, "backoffMs": 1000,   // retries: exponential backoff with jitter
 *  "delayMs": 0,                   // run no sooner than this from now
 *  "idempotencyKey": "order-42",   // a second submission with the key returns the first job
 *  "webhook": "https://…",         // receives the final state, signed
 *  "resultTtlMs": 3600000,         // keep the finished job this long
 *  "notify": "jobs.inbox.<id>"}    // publish events there instead of jobs.events.<job id>
 * }</pre>
 */
public record JobSpec(String type, String queue, Object payload, int priority, Double costMs, long timeoutMs,
    int maxAttempts, long backoffMs, long delayMs, String idempotencyKey, String webhook, long resultTtlMs,
    String notifyAddress) {

  private static final Set<String> FIELDS = Set.of("type", "queue", "payload", "priority", "costMs", "timeoutMs",
      "maxAttempts", "backoffMs", "delayMs", "idempotencyKey", "webhook", "resultTtlMs", "notify");
  // The names every submission carries are checked without java.util.regex, which took about 2 % of a no-op job's
  // server CPU in a profile.
  /** {@code [a-z0-9][a-z0-9._-]{0,63}}. */
  static final Predicate<String> TYPE = s -> isName(s, 0, true, "._-");
  /** {@code [a-z0-9][a-z0-9-]{0,63}}. */
  static final Predicate<String> QUEUE = s -> isName(s, 0, true, "-");
  /** Addresses a client may have its jobs' events sent to: {@code jobs\.inbox\.[A-Za-z0-9_-]{1,64}}. */
  static final Predicate<String> NOTIFY = s -> s.startsWith(Addresses.Jobs.INBOX_PREFIX)
      && isName(s, Addresses.Jobs.INBOX_PREFIX.length(), false, "_-");
  private static final long DAY_MS = 86_400_000L;

  /** Validates {@code json} against the limits of {@code config}; throws {@link InvalidJobException} naming a field. */
  public static JobSpec fromJson(Object body, JobsConfig config) {
    if (!(body instanceof JsonObject json)) {
      throw new InvalidJobException("body", "must be a JSON object describing the job");
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new InvalidJobException(name, "unknown field");
      }
    }
    String type = string(json, "type", null, TYPE, "required: lowercase letters, digits, '.', '_' and '-', at most 64");
    if (type == null) {
      throw new InvalidJobException("type", "required: the job type");
    }
    String queue = string(json, "queue", config.defaultQueue(), QUEUE, "lowercase letters, digits and '-'");
    Double cost = null;
    if (json.getValue("costMs") != null) {
      Object value = json.getValue("costMs");
      if (!(value instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > DAY_MS) {
        throw new InvalidJobException("costMs", "must be a number of milliseconds above 0 and at most " + DAY_MS);
      }
      cost = n.doubleValue();
    }
    String key = string(json, "idempotencyKey", null, null, null);
    if (key != null && key.length() > 200) {
      throw new InvalidJobException("idempotencyKey", "at most 200 characters");
    }
    String notify = string(json, "notify", null, NOTIFY, "must be an address jobs.inbox.<1 to 64 of A-Z a-z 0-9 _ ->");
    return new JobSpec(type, queue, json.getValue("payload"),
        (int) whole(json, "priority", 0, -1000, 1000),
        cost,
        whole(json, "timeoutMs", 0, 1, config.maxTimeoutMs()),
        (int) whole(json, "maxAttempts", 1, 1, config.maxAttempts()),
        whole(json, "backoffMs", 1000, 0, 3_600_000),
        whole(json, "delayMs", 0, 0, 30 * DAY_MS),
        key, webhook(json), whole(json, "resultTtlMs", config.defaultResultTtlMs(), 1000, config.maxResultTtlMs()),
        notify);
  }

  private static long whole(JsonObject json, String field, long fallback, long min, long max) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!Numbers.isWholeIn(value, min, max)) {
      throw new InvalidJobException(field, "must be a whole number from " + min + " to " + max);
    }
    return ((Number) value).longValue();
  }

  private static String string(JsonObject json, String field, String fallback, Predicate<String> valid, String rule) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isEmpty() || (valid != null && !valid.test(s))) {
      throw new InvalidJobException(field, rule == null ? "must be a non-empty string" : rule);
    }
    return s;
  }

  /**
   * Whether {@code s}, from {@code from} on, is 1 to 64 characters: digits, ASCII letters (lowercase only when
   * {@code lowercase}) and, except in first place when {@code lowercase}, the characters of {@code others}.
   */
  static boolean isName(String s, int from, boolean lowercase, String others) {
    int length = s.length() - from;
    if (length < 1 || length > 64) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!lowercase && c >= 'A' && c <= 'Z')
          || ((!lowercase || i > from) && others.indexOf(c) >= 0);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String webhook(JsonObject json) {
    Object value = json.getValue("webhook");
    if (value == null) {
      return null;
    }
    try {
      URI uri = value instanceof String s && s.length() <= 2000 ? new URI(s) : null;
      if (uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return (String) value;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidJobException("webhook", "must be an http or https URL");
  }

  /** The JSON form (what a client sends). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type).put("queue", queue).put("payload", payload)
        .put("priority", priority).put("maxAttempts", maxAttempts).put("backoffMs", backoffMs)
        .put("delayMs", delayMs).put("resultTtlMs", resultTtlMs);
    if (timeoutMs > 0) {
      json.put("timeoutMs", timeoutMs);
    }
    if (costMs != null) {
      json.put("costMs", costMs);
    }
    if (idempotencyKey != null) {
      json.put("idempotencyKey", idempotencyKey);
    }
    if (webhook != null) {
      json.put("webhook", webhook);
    }
    if (notifyAddress != null) {
      json.put("notify", notifyAddress);
    }
    return json;
  }

  /** The queued job this spec becomes. */
  public Job toJob(String id, long now, long predictedWaitMs, String batchId, int batchIndex) {
    String events = notifyAddress != null ? notifyAddress : Addresses.Jobs.eventsOf(id);
    return new Job(id, type, queue, payload, priority, costMs, timeoutMs, maxAttempts, backoffMs, idempotencyKey,
        webhook, resultTtlMs, events, batchId, batchIndex, JobState.QUEUED, 0, now, now + delayMs, 0, 0, 0, null,
        null, null, predictedWaitMs, 0);
  }
}
