package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link JobStore} does; one subclass per implementation. */
abstract class JobStoreContract {

  @TempDir
  Path dataDir;

  JobStore store;

  /** A new, empty store keeping its files, if any, under {@code dataDir}. */
  abstract JobStore open(Path dataDir);

  @BeforeEach
  void openStore() {
    store = open(dataDir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static JsonObject job(String id, String state) {
    return new JsonObject().put("id", id).put("state", state);
  }

  @Test
  void loadAllOfAnUnknownCollectionIsEmpty() {
    assertThat(store.loadAll("jobs")).isEmpty();
  }

  @Test
  void upsertedRecordsAreLoaded() {
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued")), List.of());

    assertThat(store.loadAll("jobs")).containsExactlyInAnyOrder(job("a", "queued"), job("b", "queued"));
  }

  @Test
  void upsertReplacesTheRecordWithTheSameId() {
    store.write("jobs", List.of(job("a", "queued")), List.of());
    store.write("jobs", List.of(job("a", "running").put("attempt", 2)), List.of());

    assertThat(store.loadAll("jobs")).containsExactly(job("a", "running").put("attempt", 2));
  }

  @Test
  void deleteRemovesTheRecord() {
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued")), List.of());
    store.write("jobs", List.of(), List.of("a"));

    assertThat(store.loadAll("jobs")).containsExactly(job("b", "queued"));
  }

  @Test
  void deletingAnUnknownIdChangesNothing() {
    store.write("jobs", List.of(job("a", "queued")), List.of());
    store.write("jobs", List.of(), List.of("nope"));
    store.write("other", List.of(), List.of("a"));

    assertThat(store.loadAll("jobs")).containsExactly(job("a", "queued"));
    assertThat(store.loadAll("other")).isEmpty();
  }

  @Test
  void collectionsAreIndependent() {
    store.write("jobs", List.of(job("x", "queued")), List.of());
    store.write("batches", List.of(new JsonObject().put("id", "x").put("size", 3)), List.of());
    store.write("batches", List.of(), List.of("x"));

    assertThat(store.loadAll("jobs")).containsExactly(job("x", "queued"));
    assertThat(store.loadAll("batches")).isEmpty();
  }

  @Test
  void oneWriteAppliesUpsertsAndDeletes() {
    store.write("jobs", List.of(job("a", "queued"), job("b", "queued"), job("c", "queued")), List.of());
    store.write("jobs", List.of(job("b", "done"), job("d", "queued")), List.of("a", "c"));

    assertThat(store.loadAll("jobs")).containsExactlyInAnyOrder(job("b", "done"), job("d", "queued"));
  }

  @Test
  void anIdBothUpsertedAndDeletedInOneWriteEndsUpDeleted() {
    store.write("jobs", List.of(job("a", "queued")), List.of("a"));

    assertThat(store.loadAll("jobs")).isEmpty();
  }

  @Test
  void theLastUpsertOfAnIdInOneWriteWins() {
    store.write("jobs", List.of(job("a", "queued"), job("a", "running")), List.of());

    assertThat(store.loadAll("jobs")).containsExactly(job("a", "running"));
  }

  @Test
  void emptyWriteChangesNothing() {
    store.write("jobs", List.of(job("a", "queued")), List.of());
    store.write("jobs", List.of(), List.of());

    assertThat(store.loadAll("jobs")).containsExactly(job("a", "queued"));
  }

  @Test
  void nestedJsonRoundTrips() {
    JsonObject record = new JsonObject()
        .put("id", "j-é✓")
        .put("payload", new JsonObject().put("n", 12.5).put("big", Long.MAX_VALUE).put("none", (Object) null))
        .put("tags", new JsonArray().add("a").add(1).add(true))
        .put("text", "line1\nline2 \"quoted\"");
    store.write("jobs", List.of(record), List.of());

    assertThat(store.loadAll("jobs")).containsExactly(record);
  }

  @Test
  void storedRecordsAreNotSharedWithTheCaller() {
    JsonObject written = job("a", "queued");
    store.write("jobs", List.of(written), List.of());
    written.put("state", "changed after write");
    store.loadAll("jobs").get(0).put("state", "changed after load");

    assertThat(store.loadAll("jobs")).containsExactly(job("a", "queued"));
  }

  @Test
  void aRecordWithoutAStringIdFailsTheWholeWrite() {
    store.write("jobs", List.of(job("a", "queued")), List.of());

    assertThatThrownBy(() -> store.write("jobs", List.of(job("b", "queued"), new JsonObject().put("id", 7)),
        List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"id\"");
    assertThatThrownBy(() -> store.write("jobs", List.of(new JsonObject().put("state", "x")), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.loadAll("jobs")).containsExactly(job("a", "queued"));
  }

  @Test
  void aRecordThatCannotBeEncodedFailsTheWholeWrite() {
    store.write("jobs", List.of(job("a", "queued")), List.of());

    assertThatThrownBy(() -> store.write("jobs",
        List.of(job("b", "queued"), job("c", "queued").put("handler", new Object())), List.of("a")))
        .isInstanceOf(EncodeException.class);
    assertThat(store.loadAll("jobs")).containsExactly(job("a", "queued"));
  }

  @Test
  void valuesAreReadBackInTheirJsonForm() {
    Instant at = Instant.parse("2030-01-02T03:04:05.678Z");
    store.write("jobs", List.of(job("a", "queued").put("at", at).put("bytes", new byte[] {1, 2, 3})), List.of());

    JsonObject loaded = store.loadAll("jobs").get(0);
    assertThat(loaded.getValue("at")).isEqualTo("2030-01-02T03:04:05.678Z");
    assertThat(loaded.getInstant("at")).isEqualTo(at);
    assertThat(loaded.getBinary("bytes")).containsExactly(1, 2, 3);
  }

  @Test
  void deletesAloneDoNotCreateACollection() {
    store.write("jobs", List.of(), List.of("a"));

    assertThat(store.loadAll("jobs")).isEmpty();
  }

  @Test
  void aBlankCollectionNameIsRejected() {
    assertThatThrownBy(() -> store.loadAll(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.write("", List.of(job("a", "queued")), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void callsAfterCloseFailAndASecondCloseIsHarmless() {
    store.close();
    store.close();

    assertThatThrownBy(() -> store.loadAll("jobs")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.write("jobs", List.of(job("a", "queued")), List.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void durabilitySaysWhatSurvives() {
    assertThat(store.durability()).isNotBlank();
  }
}
