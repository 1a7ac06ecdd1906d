package io.busbar.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.ForwardingJobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which thread writes to the store, and when a write's future completes. */
class StoreWriterTest {

  private final List<String> writers = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void aStoreThatDoesNotBlockIsWrittenOnTheEnginesEventLoopAndAnsweredOnALaterTurn() {
    RecordingStore store = new RecordingStore(false);
    StoreWriter writer = Await.on(context, () -> new StoreWriter(store, context));

    String[] seen = Await.on(context, () -> {
      Future<Void> written = writer.put("jobs", new JsonObject().put("id", "a"));
      String completedAtOnce = String.valueOf(written.isComplete());
      return new String[] {Thread.currentThread().getName(), completedAtOnce};
    });
    Await.result(Await.on(context, () -> writer.put("jobs", new JsonObject().put("id", "b"))));

    assertThat(writers).containsExactly(seen[0], seen[0]);
    assertThat(seen[0]).startsWith("vert.x-eventloop-thread");
    assertThat(seen[1]).isEqualTo("false");
    assertThat(store.loadAll("jobs")).extracting(r -> r.getString("id")).containsExactlyInAnyOrder("a", "b");
    writer.close();
  }

  @Test
  void aBlockingStoreIsWrittenOnTheWritersOwnThread() {
    RecordingStore store = new RecordingStore(true);
    StoreWriter writer = Await.on(context, () -> new StoreWriter(store, context));

    Await.result(Await.on(context, () -> writer.put("jobs", new JsonObject().put("id", "a"))));

    assertThat(writers).containsExactly("busbar-job-store");
    writer.close();
  }

  /** The in-memory store, recording the thread of each write and claiming to block or not. */
  private final class RecordingStore extends ForwardingJobStore {

    private final boolean blocking;

    RecordingStore(boolean blocking) {
      super("recording");
      this.blocking = blocking;
    }

    @Override
    public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
      writers.add(Thread.currentThread().getName());
      super.write(collection, upserts, deletes);
    }

    @Override
    public boolean blocking() {
      return blocking;
    }
  }
}
