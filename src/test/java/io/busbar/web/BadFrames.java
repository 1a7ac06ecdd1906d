package io.busbar.web;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of bridge frames the gateway must refuse, each with the error code the protocol documents for it
 * (README, "Errors"). Every frame has exactly one defect on top of a frame that would otherwise be accepted, so the
 * expected code is exact. The limits are those of {@link GatewayFuzzTest}'s node.
 */
final class BadFrames {

  static final int MAX_FRAME_BYTES = 4096;
  static final int MAX_ADDRESS_LENGTH = 200;
  /** Where the WebSocket layer itself cuts a message: 4 × maxFrameBytes, at least 256 KiB. */
  static final int HARD_LIMIT = Math.max(4 * MAX_FRAME_BYTES, 256 * 1024);

  /** The node's rules: clients may send to {@code demo.*} and {@code test.*}, and listen on {@code test.*}. */
  private static final Pattern INBOUND = Pattern.compile("demo\\..+|test\\..+");
  private static final Pattern OUTBOUND = Pattern.compile("demo\\.ticks|test\\..+");
  private static final Set<String> TYPES = Set.of("send", "publish", "register", "unregister", "ping");

  private BadFrames() {
  }

  /**
   * One frame to send and the code of the {@code err} frame that must answer it.
   *
   * @param text the frame as text, or null when {@code bytes} are sent instead
   * @param bytes raw bytes for a binary message (not UTF-8), or null
   * @param code the expected error code
   */
  record BadFrame(String what, String text, byte[] bytes, String code) {

    /** A frame larger than the limit is refused for its size before anything else is looked at. */
    static BadFrame of(String what, String text, String code) {
      return new BadFrame(what, text, null,
          text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES ? "frame_too_large" : code);
    }

    @Override
    public String toString() {
      String shown = text == null ? bytes.length + " raw bytes" : text.length() > 300
          ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
      return what + " → " + code + ": " + shown;
    }
  }

  /** Any bad frame of any kind. */
  static Gen<BadFrame> any() {
    return Generate.oneOf(invalidJson(), notAnObject(), missingType(), invalidType(), missingAddress(),
        internalAddress(), forbiddenAddress(), overLongAddress(), badReplyAddress(), badHeaders(), tooLarge());
  }

  static Gen<BadFrame> invalidJson() {
    Gen<String> truncated = validFrames().zip(integers().between(1, 1000),
        (frame, cut) -> frame.substring(0, 1 + cut % (frame.length() - 1)));
    Gen<String> junk = Generate.oneOf(strings().basicLatinAlphabet().ofLengthBetween(0, 80),
        strings().allPossible().ofLengthBetween(1, 40),
        Generate.pick(List.of("", "   ", "{", "}", "{\"type\":", "{'type':'send'}", "{\"type\":\"send\",}", "NaN",
            "undefined", "{\"type\":\"ping\"}}", "{\"type\" \"ping\"}", "\u0000", "{\"type\":\"ping\"/*c*/}")));
    return Generate.oneOf(truncated, junk).assuming(BadFrames::notJson)
        .map(text -> BadFrame.of("not JSON", text, "invalid_json"));
  }

  static Gen<BadFrame> notAnObject() {
    return Generate.oneOf(jsonScalars(), jsonArrays().map(a -> (Object) a)).map(value -> BadFrame.of("JSON but not an object",
        Json.encode(value), "invalid_json"));
  }

  static Gen<BadFrame> missingType() {
    return validFrames().zip(Generate.booleans(), (text, asNull) -> {
      JsonObject frame = new JsonObject(text);
      frame.remove("type");
      if (asNull) {
        frame.putNull("type");
      }
      return BadFrame.of("no type", frame.encode(), "missing_type");
    });
  }

  static Gen<BadFrame> invalidType() {
    Gen<Object> unknown = Generate.oneOf(
        Generate.pick(List.<Object>of("SEND", "Send", " send", "send ", "ping\u0000", "rec", "err", "", "sendd")),
        strings().allPossible().ofLengthBetween(0, 30).map(s -> (Object) s), jsonScalars().assuming(v -> v != null),
        jsonArrays().map(a -> (Object) a), jsonObjects().map(o -> (Object) o))
        .assuming(type -> !TYPES.contains(String.valueOf(type)));
    return validFrames().zip(unknown, (text, type) -> BadFrame.of("unknown type",
        new JsonObject(text).put("type", type).encode(), "invalid_type"));
  }

  static Gen<BadFrame> missingAddress() {
    Gen<Object> notAnAddress = Generate.oneOf(Generate.pick(List.<Object>of("")), numbersAndBooleans(),
        jsonArrays().map(a -> (Object) a), jsonObjects().map(o -> (Object) o));
    return Generate.pick(List.of("send", "publish", "register", "unregister")).zip(notAnAddress, Generate.booleans(),
        (type, address, absent) -> {
          JsonObject frame = new JsonObject().put("type", type).put("body", 1);
          if (!absent) {
            frame.put("address", address);
          }
          return BadFrame.of("no usable address", frame.encode(), "missing_address");
        });
  }

  static Gen<BadFrame> internalAddress() {
    Gen<String> internal = Generate.oneOf(Generate.pick(List.of("__vertx.reply.1", "__busbar.node.status", "__", "__x")),
        strings().allPossible().ofLengthBetween(0, 60).map(s -> "__" + s),
        strings().basicLatinAlphabet().ofLengthBetween(0, 60).map(s -> "__vertx." + s));
    return addressed(internal.assuming(a -> a.length() <= MAX_ADDRESS_LENGTH), "internal address", "access_denied");
  }

  static Gen<BadFrame> forbiddenAddress() {
    Gen<String> other = Generate.oneOf(
        Generate.pick(List.of("secret", "secret.x", "demo", "demo.", "test.", "Demo.echo", "TEST.x", " test.x",
            "test.x\n", "demox.echo", "ünïcødé.ädréss", "\uD83D\uDE00.events", "test\u2024x")),
        strings().allPossible().ofLengthBetween(1, 80), strings().basicLatinAlphabet().ofLengthBetween(1, 80));
    return Generate.pick(List.of("send", "publish", "register")).flatMap(type -> other.assuming(a -> a.length() <= MAX_ADDRESS_LENGTH && !a.startsWith("__")
            && !(type.equals("register") ? OUTBOUND : INBOUND).matcher(a).matches())
            .map(address -> BadFrame.of("forbidden address", frame(type, address).encode(), "access_denied")));
  }

  static Gen<BadFrame> overLongAddress() {
    Gen<String> longAddress = integers().between(MAX_ADDRESS_LENGTH + 1, 3 * MAX_FRAME_BYTES)
        .zip(Generate.pick(List.of("test.", "demo.", "x", "__", "ü")), (length, prefix) ->
            prefix + "a".repeat(Math.max(0, length - prefix.length())));
    return addressed(longAddress, "over-long address", "max_address_length_reached");
  }

  static Gen<BadFrame> badReplyAddress() {
    Gen<Object> reply = Generate.oneOf(Generate.pick(List.<Object>of("")),
        strings().allPossible().ofLengthBetween(37, 400).map(s -> (Object) s), numbersAndBooleans(),
        jsonArrays().map(a -> (Object) a), jsonObjects().map(o -> (Object) o));
    return reply.map(r -> BadFrame.of("bad reply address", frame("send", "demo.echo").put("replyAddress", r).encode(),
        "invalid_reply_address"));
  }

  static Gen<BadFrame> badHeaders() {
    Gen<Object> notAnObject = Generate.oneOf(strings().allPossible().ofLengthBetween(0, 20).map(s -> (Object) s),
        numbersAndBooleans(), jsonArrays().map(a -> (Object) a));
    Gen<Object> badValue = Generate.oneOf(jsonArrays().map(a -> (Object) a), jsonObjects().map(o -> (Object) o),
        Generate.constant((Object) null));
    Gen<Object> objectWithABadValue = jsonObjects().zip(strings().allPossible().ofLengthBetween(0, 20), badValue,
        (headers, name, value) -> (Object) headers.copy().put(name, value));
    return Generate.pick(List.of("send", "publish")).zip(Generate.oneOf(notAnObject, objectWithABadValue),
        (type, headers) -> BadFrame.of("bad headers", frame(type, "test.fuzz.sink").put("headers", headers).encode(),
            "invalid_headers"));
  }

  static Gen<BadFrame> tooLarge() {
    return integers().between(MAX_FRAME_BYTES + 1, 200_000).zip(Generate.pick(List.of("send", "publish")),
        (size, type) -> {
          String empty = frame(type, "test.fuzz.sink").put("body", "").encode();
          return BadFrame.of("frame too large", frame(type, "test.fuzz.sink")
              .put("body", "x".repeat(Math.max(0, size - empty.length()))).encode(), "frame_too_large");
        });
  }

  /** Binary messages of bytes that are not UTF-8 JSON. */
  static Gen<BadFrame> rawBytes() {
    return Generate.byteArrays(integers().between(1, 200), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
        .assuming(bytes -> notJson(new String(bytes, StandardCharsets.UTF_8)))
        .map(bytes -> new BadFrame("random bytes", null, bytes, "invalid_json"));
  }

  /** Frames the gateway accepts: the base that the generators above break in one place. */
  static Gen<String> validFrames() {
    return Generate.pick(List.of(
        frame("send", "demo.echo").put("replyAddress", "r-1").put("headers", new JsonObject().put("h", "v")).encode(),
        frame("send", "test.fuzz.sink").encode(), frame("publish", "test.fuzz.sink").encode(),
        frame("register", "test.fuzz.reg").encode(), frame("unregister", "test.fuzz.reg").encode(),
        new JsonObject().put("type", "ping").encode()));
  }

  private static Gen<BadFrame> addressed(Gen<String> addresses, String what, String code) {
    return Generate.pick(List.of("send", "publish", "register")).zip(addresses,
        (type, address) -> BadFrame.of(what, frame(type, address).encode(), code));
  }

  private static JsonObject frame(String type, String address) {
    return new JsonObject().put("type", type).put("address", address).put("body", new JsonObject().put("n", 1));
  }

  static Gen<Object> numbersAndBooleans() {
    return Generate.oneOf(integers().all().map(i -> (Object) i), Generate.booleans().map(b -> (Object) b),
        Generate.pick(List.<Object>of(0.5, -1e300, Long.MAX_VALUE)));
  }

  static Gen<Object> jsonScalars() {
    return Generate.oneOf(numbersAndBooleans(), strings().allPossible().ofLengthBetween(0, 20).map(s -> (Object) s),
        Generate.constant((Object) null));
  }

  static Gen<JsonArray> jsonArrays() {
    return lists().of(jsonScalars()).ofSizeBetween(0, 4).map(JsonArray::new);
  }

  static Gen<JsonObject> jsonObjects() {
    return lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 8).zip(jsonScalars(), Pair::of))
        .ofSizeBetween(0, 4).map(entries -> {
          JsonObject object = new JsonObject();
          entries.forEach(e -> object.put(e._1, e._2));
          return object;
        });
  }

  /** True when {@code text} is not a JSON document at all. */
  static boolean notJson(String text) {
    try {
      Json.decodeValue(text);
      return text.isBlank();
    } catch (DecodeException e) {
      return true;
    }
  }
}
