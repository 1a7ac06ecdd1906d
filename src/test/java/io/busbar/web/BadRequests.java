package io.busbar.web;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of HTTP requests the gateway must refuse with a 4xx and a JSON error, each with the error codes it may
 * answer (empty: any 4xx code). The limits are those of {@link GatewayFuzzTest}'s node.
 */
final class BadRequests {

  static final int MAX_BODY_BYTES = 4096;

  private static final Pattern INBOUND = Pattern.compile("demo\\..+|test\\..+");
  private static final Pattern OUTBOUND = Pattern.compile("demo\\.ticks|test\\..+");
  private static final List<String> BUS = List.of("/api/request/demo.echo", "/api/send/test.fuzz.sink",
      "/api/publish/test.fuzz.sink");
  private static final List<String> POSTS = List.of("/api/request/demo.echo", "/api/send/test.fuzz.sink",
      "/api/publish/test.fuzz.sink", "/api/jobs", "/api/jobs/batch");
  /** Numbers outside every range the API accepts, as JSON text, including ones beyond a long. */
  private static final List<String> HUGE_INTEGERS = List.of("9223372036854775808", "18446744073709551616",
      "18446744073709551617", "-9223372036854775809", "123456789012345678901234567890");
  private static final List<String> HUGE = java.util.stream.Stream.concat(HUGE_INTEGERS.stream(),
      java.util.stream.Stream.of("1e400", "-1e400")).toList();

  private BadRequests() {
  }

  /**
   * One request and the error codes that may answer it.
   *
   * @param contentType the Content-Type header, or "" for none
   * @param body the body, or null for none
   * @param codes the error codes allowed in the answer; empty when any 4xx error will do
   */
  record BadRequest(String what, HttpMethod method, String uri, String contentType, Buffer body, Set<String> codes) {

    @Override
    public String toString() {
      String shownUri = uri.length() > 300 ? uri.substring(0, 300) + "…(" + uri.length() + " chars)" : uri;
      String shownBody = body == null ? "" : body.length() > 300 ? body.getString(0, 300) + "…(" + body.length()
          + " bytes)" : body.toString();
      return what + ": " + method + " " + shownUri + " [" + contentType + "] " + shownBody + " → " + codes;
    }
  }

  /** A POST whose body the API must refuse; a multipart body is refused for its type before it is read. */
  private static BadRequest post(String what, String path, String type, String body, Set<String> codes) {
    return new BadRequest(what, HttpMethod.POST, path, type, utf8(body),
        type.startsWith("multipart/") ? Set.of("unsupported_media_type") : codes);
  }

  static Gen<BadRequest> any() {
    return Generate.oneOf(invalidJsonBody(), forbiddenAddress(), badTimeout(), badWaitMs(), badPaging(), badJobId(),
        wrongShapeJob(), wrongShapeBatch(), wrongShapeHash(), oversizedBody(), wrongMethodOrPath());
  }

  static Gen<BadRequest> invalidJsonBody() {
    Gen<String> invalid = BadFrames.invalidJson().map(BadFrames.BadFrame::text).assuming(t -> !t.isBlank());
    return Generate.pick(POSTS).zip(invalid, contentTypes(), (path, text, type) ->
        post("body not JSON", path, type, text, Set.of("invalid_json")));
  }

  static Gen<BadRequest> forbiddenAddress() {
    Gen<String> addresses = Generate.oneOf(BadFrames.forbiddenAddress(), BadFrames.internalAddress(),
        BadFrames.overLongAddress()).map(f -> new JsonObject(f.text()).getString("address"))
        .assuming(a -> !a.equals(".") && !a.equals(".."));
    Gen<String> veryLong = integers().between(1000, 9000).map(n -> "test." + "a".repeat(n));
    Gen<BadRequest> bus = Generate.pick(List.of("request", "send", "publish"))
        .zip(Generate.oneOf(addresses, veryLong).assuming(a -> !INBOUND.matcher(a).matches() || a.length() > 200),
            (verb, address) -> new BadRequest("address not allowed", HttpMethod.POST,
                "/api/" + verb + "/" + pathSegment(address), "application/json", utf8("{}"), Set.of()));
    Gen<BadRequest> subscribe = addresses.assuming(a -> !OUTBOUND.matcher(a).matches() || a.length() > 200)
        .map(address -> new BadRequest("subscription not allowed", HttpMethod.GET,
            "/api/subscribe/" + pathSegment(address), "", null, Set.of()));
    return Generate.oneOf(bus, subscribe);
  }

  static Gen<BadRequest> badTimeout() {
    Gen<String> timeout = Generate.oneOf(notWholeNumbers(), Generate.pick(HUGE),
        longs().between(Long.MIN_VALUE, 0).map(n -> String.valueOf(n)),
        longs().between(300_001, Long.MAX_VALUE).map(n -> String.valueOf(n)));
    return timeout.map(t -> new BadRequest("bad timeout", HttpMethod.POST, "/api/request/demo.echo?timeout="
        + pathSegment(t), "application/json", utf8("{}"), Set.of("invalid_parameter")));
  }

  static Gen<BadRequest> badWaitMs() {
    Gen<String> waitMs = Generate.oneOf(notWholeNumbers(), Generate.pick(HUGE),
        longs().between(Long.MIN_VALUE, -1).map(n -> String.valueOf(n)),
        longs().between(60_001, Long.MAX_VALUE).map(n -> String.valueOf(n)));
    return jobIds().zip(waitMs, (id, wait) -> new BadRequest("bad waitMs", HttpMethod.GET,
        "/api/jobs/" + pathSegment(id) + "?waitMs=" + pathSegment(wait), "", null,
        Set.of("invalid_parameter", "bad_request")));
  }

  static Gen<BadRequest> badPaging() {
    Gen<String> limit = Generate.oneOf(notWholeNumbers(), Generate.pick(HUGE),
        longs().between(Long.MIN_VALUE, 0).map(n -> String.valueOf(n)),
        longs().between(1001, Long.MAX_VALUE).map(n -> String.valueOf(n))).map(v -> "limit=" + pathSegment(v));
    Gen<String> offset = Generate.oneOf(notWholeNumbers(), Generate.pick(HUGE),
        longs().between(Long.MIN_VALUE, -1).map(n -> String.valueOf(n)),
        longs().between(Integer.MAX_VALUE + 1L, Long.MAX_VALUE).map(n -> String.valueOf(n))).map(v -> "offset=" + pathSegment(v));
    Gen<String> state = strings().allPossible().ofLengthBetween(0, 20)
        .assuming(s -> !Set.of("queued", "running", "succeeded", "failed", "timed_out", "cancelled", "dead_lettered")
            .contains(s)).map(s -> "state=" + pathSegment(s));
    return Generate.oneOf(limit, offset, state).map(query -> new BadRequest("bad paging", HttpMethod.GET,
        "/api/jobs?" + query, "", null, Set.of("invalid_parameter", "bad_request")));
  }

  static Gen<BadRequest> badJobId() {
    Gen<String[]> operation = Generate.pick(List.of(new String[] {"GET", ""}, new String[] {"GET", "/events"},
        new String[] {"DELETE", ""}, new String[] {"POST", "/retry"}));
    return operation.zip(jobIds(), (op, id) -> new BadRequest("unknown job", HttpMethod.valueOf(op[0]),
        "/api/jobs/" + pathSegment(id) + op[1], "", null, Set.of("not_found")));
  }

  static Gen<BadRequest> wrongShapeJob() {
    return Generate.oneOf(notAnObject(), badJobSpecs().map(JsonObject::encode)).zip(contentTypes(), (body, type) ->
        post("job of the wrong shape", "/api/jobs", type, body, Set.of("bad_request")));
  }

  static Gen<BadRequest> wrongShapeBatch() {
    Gen<String> jobs = Generate.oneOf(notAnObject(),
        BadFrames.jsonScalars().map(v -> new JsonObject().put("jobs", v).encode()),
        Generate.constant(new JsonObject().put("jobs", new JsonArray()).encode()),
        integers().between(4, 20).map(n -> new JsonObject().put("jobs", new JsonArray(
            java.util.Collections.nCopies(n, new JsonObject().put("type", "noop")))).encode()),
        badJobSpecs().zip(integers().between(0, 2), (bad, at) -> {
          JsonArray specs = new JsonArray().add(new JsonObject().put("type", "noop"))
              .add(new JsonObject().put("type", "noop"));
          return new JsonObject().put("jobs", specs.add(Math.min(at, specs.size()), bad)).encode();
        }));
    return jobs.map(body -> new BadRequest("batch of the wrong shape", HttpMethod.POST, "/api/jobs/batch",
        "application/json", utf8(body), Set.of("bad_request")));
  }

  static Gen<BadRequest> wrongShapeHash() {
    Gen<Object> badData = Generate.oneOf(BadFrames.numbersAndBooleans(), Generate.constant((Object) null),
        BadFrames.jsonArrays().map(a -> (Object) a), BadFrames.jsonObjects().map(o -> (Object) o));
    Gen<Object> badIterations = Generate.oneOf(Generate.pick(List.<Object>of(0, -1, 1_000_001, 2.5, "10", true)),
        integers().between(Integer.MIN_VALUE, 0).map(i -> (Object) i));
    Gen<String> body = Generate.oneOf(notAnObject(),
        badData.map(d -> new JsonObject().put("data", d).put("iterations", 1).encode()),
        badIterations.map(i -> new JsonObject().put("data", "abc").put("iterations", i).encode()),
        Generate.pick(HUGE).map(n -> "{\"data\":\"abc\",\"iterations\":" + n + "}"));
    return body.map(b -> new BadRequest("hash request of the wrong shape", HttpMethod.POST, "/api/request/demo.hash",
        "application/json", utf8(b), Set.of("bad_request")));
  }

  static Gen<BadRequest> oversizedBody() {
    return Generate.pick(POSTS).zip(integers().between(MAX_BODY_BYTES + 1, 5 * MAX_BODY_BYTES), contentTypes(),
        (path, size, type) -> post("body too large", path, type, "{\"pad\":\"" + "x".repeat(size) + "\"}",
            Set.of("body_too_large")));
  }

  static Gen<BadRequest> wrongMethodOrPath() {
    Gen<BadRequest> method = Generate.pick(List.of(HttpMethod.PUT, HttpMethod.PATCH))
        .zip(Generate.pick(List.of("/api/request/demo.echo", "/api/jobs", "/api/jobs/batch", "/api/queues")),
            (m, path) -> new BadRequest("wrong method", m, path, "application/json", utf8("{}"),
                Set.of("method_not_allowed", "not_found")));
    Gen<BadRequest> path = Generate.pick(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
        .zip(lists().of(strings().allPossible().ofLengthBetween(1, 12).assuming(s -> !s.equals("..")))
            .ofSizeBetween(1, 3), (m, segments) ->
            new BadRequest("no such resource", m, "/api/zz-" + String.join("/", segments.stream()
                .map(BadRequests::pathSegment).toList()), "", null, Set.of("not_found", "method_not_allowed")));
    return Generate.oneOf(method, path);
  }

  /** Job specs that are objects but break one rule of {@code JobSpec}. */
  static Gen<JsonObject> badJobSpecs() {
    Gen<Object> notAWholeNumber = Generate.oneOf(Generate.pick(List.<Object>of("10", true, 2.5, -1e300, 1e300)),
        BadFrames.jsonArrays().map(a -> (Object) a), Generate.pick(HUGE_INTEGERS).map(n -> (Object) new BigInteger(n)));
    Gen<JsonObject> defect = Generate.oneOf(
        Generate.constant(new JsonObject()),
        BadFrames.numbersAndBooleans().map(t -> new JsonObject().put("type", t)),
        Generate.pick(List.of("no-such-type", "Noop", "", "a b", "ü")).map(t -> new JsonObject().put("type", t)),
        Generate.pick(List.<Object>of("no-such-queue", "", "Default", 5)).map(q -> spec().put("queue", q)),
        Generate.oneOf(integers().between(1001, Integer.MAX_VALUE).map(i -> (Object) i), notAWholeNumber)
            .map(p -> spec().put("priority", p)),
        Generate.oneOf(longs().between(Long.MIN_VALUE, 0).map(l -> (Object) l), notAWholeNumber)
            .map(t -> spec().put("timeoutMs", t)),
        Generate.oneOf(integers().between(26, Integer.MAX_VALUE).map(i -> (Object) i), notAWholeNumber,
            Generate.constant((Object) 0)).map(a -> spec().put("maxAttempts", a)),
        longs().between(Long.MIN_VALUE, -1).map(b -> spec().put("backoffMs", b)),
        longs().between(Long.MIN_VALUE, -1).map(d -> spec().put("delayMs", d)),
        Generate.pick(List.<Object>of("ftp://x", "not a url", "http://", "//host/x", 7, "javascript:alert(1)"))
            .map(w -> spec().put("webhook", w)),
        strings().basicLatinAlphabet().ofLengthBetween(201, 400).map(k -> spec().put("idempotencyKey", k)),
        Generate.pick(List.<Object>of("jobs.inbox.", "jobs.events.x", "__vertx.x", 5)).map(n -> spec().put("notify", n)),
        strings().allPossible().ofLengthBetween(0, 20).assuming(f -> !f.equals("type") && !f.equals("payload"))
            .map(f -> spec().put("zz-" + f, 1)));
    return defect;
  }

  private static JsonObject spec() {
    return new JsonObject().put("type", "noop");
  }

  /** Bodies that are JSON but not an object. */
  private static Gen<String> notAnObject() {
    return Generate.oneOf(BadFrames.jsonScalars(), BadFrames.jsonArrays().map(a -> (Object) a)).map(Json::encode);
  }

  private static Gen<String> notWholeNumbers() {
    return Generate.oneOf(Generate.pick(List.of("", " 5", "5 ", "1.5", "1e3", "0x10", "+-1", "soon", "NaN")),
        strings().allPossible().ofLengthBetween(1, 12)).assuming(BadRequests::notALong);
  }

  private static boolean notALong(String s) {
    try {
      Long.parseLong(s);
      return false;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** Ids no job has: Busbar's ids are UUIDs. */
  private static Gen<String> jobIds() {
    return Generate.oneOf(strings().allPossible().ofLengthBetween(1, 200), strings().basicLatinAlphabet()
        .ofLengthBetween(1, 40), Generate.pick(List.of("batch", "..", ".", "00000000-0000-0000-0000-000000000000")))
        .assuming(id -> !id.isBlank() && !id.equals(".") && !id.equals(".."));
  }

  private static Gen<String> contentTypes() {
    return Generate.pick(List.of("", "application/json", "text/plain", "application/xml", "application/octet-stream",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "multipart/form-data",
        "application/json; charset=ebcdic", "??"));
  }

  private static Buffer utf8(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters, so the server decodes exactly {@code s}. */
  static String pathSegment(String s) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return encoded.toString();
  }
}
