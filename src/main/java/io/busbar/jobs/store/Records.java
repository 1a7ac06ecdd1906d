package io.busbar.jobs.store;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Argument checks and the JSON text form shared by the {@link JobStore} implementations. */
final class Records {

  /** The field that names a record inside its collection. */
  static final String ID = "id";

  private Records() {
  }

  static void checkCollection(String collection) {
    Objects.requireNonNull(collection, "collection");
    if (collection.isBlank()) {
      throw new IllegalArgumentException("collection name is blank");
    }
  }

  /** The {@code "id"} of each upsert, in order; fails if any record lacks a non-empty string id. */
  static List<String> idsOf(List<JsonObject> upserts) {
    Objects.requireNonNull(upserts, "upserts");
    List<String> ids = new ArrayList<>(upserts.size());
    for (JsonObject record : upserts) {
      Objects.requireNonNull(record, "upserts contains null");
      Object id = record.getValue(ID);
      if (!(id instanceof String) || ((String) id).isEmpty()) {
        throw new IllegalArgumentException("record has no string \"" + ID + "\": " + abbreviate(record.encode()));
      }
      ids.add((String) id);
    }
    return ids;
  }

  static void checkDeletes(List<String> deletes) {
    Objects.requireNonNull(deletes, "deletes");
    for (String id : deletes) {
      Objects.requireNonNull(id, "deletes contains null");
    }
  }

  /**
   * The JSON text of each record, in order.
   *
   * @throws io.vertx.core.json.EncodeException if a record holds a value JSON cannot represent
   */
  static List<String> encodeAll(List<JsonObject> records) {
    List<String> texts = new ArrayList<>(records.size());
    records.forEach(record -> texts.add(record.encode()));
    return texts;
  }

  /**
   * The record whose JSON text is {@code text}.
   *
   * @throws io.vertx.core.json.DecodeException if the text is not a JSON object
   */
  static JsonObject parse(String text) {
    return new JsonObject(text);
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }
}
