package io.busbar.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One permission rule of the gateway: an exact address ({@code {"address": "demo.echo"}}) or a regular expression
 * that must match the whole address ({@code {"addressRegex": "demo\\..+"}}), optionally with an authority the
 * client must hold ({@code "authority": "orders:write"}).
 */
public record AddressRule(String address, Pattern regex, String authority) {

  /** True when this rule covers {@code candidate} (whatever the authority). */
  public boolean matches(String candidate) {
    return address != null ? address.equals(candidate) : regex.matcher(candidate).matches();
  }

  /** Parses a JSON array of rules; {@code key} names the array in errors (e.g. {@code bridge.inbound}). */
  public static List<AddressRule> parseAll(JsonArray rules, String key) {
    List<AddressRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      String itemKey = key + "[" + i + "]";
      Object item = rules.getValue(i);
      if (!(item instanceof JsonObject json)) {
        throw new ConfigException(itemKey, "must be an object with \"address\" or \"addressRegex\", got " + Conf.describe(item));
      }
      parsed.add(parse(Conf.of(json, itemKey)));
    }
    return List.copyOf(parsed);
  }

  private static AddressRule parse(Conf rule) {
    rule.onlyKeys("address", "addressRegex", "authority");
    String authority = rule.string("authority", null);
    if (rule.has("address") == rule.has("addressRegex")) {
      throw new ConfigException(rule.key("address"), "give exactly one of \"address\" and \"addressRegex\"");
    }
    if (rule.has("address")) {
      return new AddressRule(rule.string("address", null), null, authority);
    }
    String regex = rule.string("addressRegex", null);
    try {
      return new AddressRule(null, Pattern.compile(regex), authority);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(rule.key("addressRegex"), "not a valid regular expression: " + e.getDescription());
    }
  }

  @Override
  public String toString() {
    String target = address != null ? address : "/" + regex.pattern() + "/";
    return authority == null ? target : target + " (" + authority + ")";
  }
}
