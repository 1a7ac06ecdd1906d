package io.busbar.jobs.store;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.SingleFileStore;

/**
 * A durable {@link JobStore} in one H2 MVStore file, {@value #FILE_NAME}, under a data directory. Each collection is
 * an {@code MVMap<String, String>} from id to the record's JSON text.
 *
 * <p><b>Durability.</b> MVStore's background auto-commit is off: each {@link #write} applies its upserts, then its
 * deletes, and commits them as one MVStore version. When {@code write} returns:
 * <ul>
 *   <li>{@code fsync = false} (default): the version has been written to the file, so the operating system holds it
 *       and it survives a crash or {@code kill -9} of the JVM. An OS crash or a power loss can lose the writes the OS
 *       had not flushed yet (on Linux, typically up to about 30 s of them) and may leave the file unreadable, because
 *       the store reuses file space freed by earlier writes at once.</li>
 *   <li>{@code fsync = true}: the file has also been forced to the storage device ({@code FileChannel.force}), so the
 *       write also survives an OS crash or a power loss, as far as the device honours flush requests. Each write then
 *       costs at least one device flush. When the file is created, the data directory's entry for it is forced too
 *       (where the platform can open a directory; not on Windows).</li>
 * </ul>
 * A write is all or nothing: a crash during {@code write} leaves none of it, and a {@code write} that fails before its
 * commit (bad record, I/O error) is rolled back before its exception is thrown. If only the fsync fails, the write is
 * in the file but not known to be on the device. On open, a file left by a killed process is recovered to its last
 * completed commit.
 *
 * <p><b>File size.</b> Every commit appends a chunk of at least 4 KiB. Space of chunks that no longer hold live data is
 * reused by later commits at once (MVStore's retention time is set to 0; its default, 45 s, lets the file grow by
 * every chunk written in the last 45 s, hundreds of MB under steady writes). Every {@value #COMPACT_CHECK_INTERVAL}
 * writes, if chunks are less than {@value #COMPACT_TARGET_FILL_RATE}% live, up to {@value #COMPACT_WRITE_LIMIT} bytes
 * of the emptiest chunks are rewritten as part of that write's commit. MVStore's {@code autoCompactFillRate} is not
 * used: it only drives the background thread, which is off. The file shrinks when a commit leaves at least
 * {@value SteadyFileStore#SHRINK_MIN_PERCENT}% of it free at its end, and at close ({@link SteadyFileStore}).
 *
 * <p><b>Threads.</b> Every method is {@code synchronized}, so the store is safe to share, but calls are serialized.
 * They block on file I/O: never call them on an event loop. Only one process can open the file at a time (MVStore
 * locks it).
 */
public final class MvJobStore implements JobStore {

  /** The store's file name inside the data directory. */
  public static final String FILE_NAME = "busbar-jobs.mv.db";

  /** Writes between two checks of the chunk fill rate. */
  static final int COMPACT_CHECK_INTERVAL = 100;
  /** Rewrite chunks when, on average, less than this percentage of their bytes is live. */
  static final int COMPACT_TARGET_FILL_RATE = 50;
  /** Bytes of chunks rewritten at most by one compaction pass. */
  static final int COMPACT_WRITE_LIMIT = 1 << 20;

  static final String DURABILITY_NO_FSYNC = "mvstore, fsync off: each write is committed to the store file before"
      + " write() returns, so it survives a crash or kill -9 of the JVM (the operating system holds it); an OS crash"
      + " or power loss can lose the writes the OS had not flushed yet (typically up to ~30 s) and may leave the file"
      + " unreadable";
  static final String DURABILITY_FSYNC = "mvstore, fsync on: each write is committed to the store file and forced"
      + " to the storage device before write() returns, so it survives a crash or kill -9 of the JVM, an OS crash and"
      + " a power loss, as far as the device honours flush requests";

  private final Path file;
  private final boolean fsync;
  private final MVStore store;
  private final Map<String, MVMap<String, String>> maps = new HashMap<>();
  private int writesSinceCompactCheck;
  private boolean closed;

  /** Opens or creates the store in {@code dataDir}, without fsync; see {@link #MvJobStore(Path, boolean)}. */
  public MvJobStore(Path dataDir) {
    this(dataDir, false);
  }

  /**
   * Opens or creates {@value #FILE_NAME} in {@code dataDir}, creating the directory if needed, and recovers the file
   * to its last commit if a process was killed while writing it.
   *
   * @param dataDir the directory of the store file
   * @param fsync whether each write also forces the file to the storage device; see the class comment
   * @throws UncheckedIOException if the directory cannot be created
   * @throws IllegalStateException if the file cannot be opened: locked by another process, corrupted, or not a store
   */
  public MvJobStore(Path dataDir, boolean fsync) {
    this(dataDir, fsync, true);
  }

  /**
   * As {@link #MvJobStore(Path, boolean)}; {@code steady} false gives MVStore's own file store, which shrinks the
   * file (forcing it to the device first) whenever a commit frees its end: the baseline of {@code JobStoreBench}.
   */
  MvJobStore(Path dataDir, boolean fsync, boolean steady) {
    Objects.requireNonNull(dataDir, "dataDir");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create job store directory " + dataDir, e);
    }
    this.file = dataDir.resolve(FILE_NAME);
    this.fsync = fsync;
    boolean creating = !Files.exists(file);
    try {
      // autoCommitDisabled() stops only the timed background commit; a buffer size of 0 also stops the commit that
      // MVStore starts by itself once enough changes are pending, which would split a large write in two on disk.
      MVStore.Builder builder = new MVStore.Builder();
      if (steady) {
        SteadyFileStore fileStore = new SteadyFileStore();
        try {
          fileStore.open(file.toString(), false, (char[]) null);
        } catch (MVStoreException e) {
          // MVStore closes a file store that it opened itself and that failed; this one is ours to close.
          try {
            fileStore.close();
          } catch (RuntimeException closing) {
            e.addSuppressed(closing);
          }
          throw e;
        }
        builder.adoptFileStore(fileStore);
      } else {
        builder.fileName(file.toString());
      }
      this.store = builder
          .autoCommitDisabled()
          .autoCommitBufferSize(0)
          .open();
    } catch (MVStoreException e) {
      throw new IllegalStateException("cannot open job store " + file + ": " + e.getMessage(), e);
    }
    store.setRetentionTime(0);
    if (fsync && creating) {
      syncDirectory(dataDir);
    }
  }

  /** The store file. */
  public Path file() {
    return file;
  }

  /** Whether each write forces the file to the storage device. */
  public boolean fsync() {
    return fsync;
  }

  /** The MVStore version, one more after each commit that changed something; for tests and diagnostics. */
  synchronized long version() {
    return store.getCurrentVersion();
  }

  /** Every record of {@code collection}, parsed from the file's current version; empty for an unknown collection. */
  @Override
  public synchronized List<JsonObject> loadAll(String collection) {
    ensureOpen();
    Records.checkCollection(collection);
    MVMap<String, String> map = existingMap(collection);
    if (map == null) {
      return List.of();
    }
    List<JsonObject> records = new ArrayList<>(map.size());
    for (String text : map.values()) {
      records.add(Records.parse(text));
    }
    return records;
  }

  /**
   * Applies {@code upserts}, then {@code deletes} (an id in both ends up deleted), and commits them as one version;
   * with fsync on, then forces the file to the device. Nothing is changed if a record has no string {@code "id"} or
   * cannot be encoded as JSON.
   */
  @Override
  public synchronized void write(String collection, List<JsonObject> upserts, List<String> deletes) {
    ensureOpen();
    Records.checkCollection(collection);
    List<String> ids = Records.idsOf(upserts);
    Records.checkDeletes(deletes);
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return;
    }
    List<String> texts = Records.encodeAll(upserts);
    try {
      MVMap<String, String> map = upserts.isEmpty() ? existingMap(collection) : map(collection);
      if (map == null) {
        return; // deletes alone never create a collection
      }
      for (int i = 0; i < ids.size(); i++) {
        map.put(ids.get(i), texts.get(i));
      }
      deletes.forEach(map::remove);
      // Compacting before the commit puts the rewritten pages in this write's commit (and fsync), so no chunk is
      // freed by a version that is not yet on the device.
      compactIfDue();
      store.commit();
      if (fsync) {
        store.sync();
      }
    } catch (RuntimeException e) {
      rollback(e);
      throw e;
    }
  }

  @Override
  public String kind() {
    return "mvstore";
  }

  @Override
  public String durability() {
    return fsync ? DURABILITY_FSYNC : DURABILITY_NO_FSYNC;
  }

  /** Commits anything pending and closes the file, marking it cleanly shut down. Calling it twice is harmless. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    maps.clear();
    store.close();
  }

  /** Forces a new file's directory entry to the device, so that a power loss cannot lose the whole file. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; there the file system orders the entry by itself or not.
    }
  }

  /**
   * MVStore's file store, except that a commit does not shrink the file as soon as its last chunk is free. Every such
   * shrink first forces the file to the device, a flush of some milliseconds that a store with fsync off would
   * otherwise pay a few times per thousand writes, at random. The file still shrinks when a commit finds at least
   * {@value #SHRINK_MIN_PERCENT}% of it free at its end, and at close.
   */
  static final class SteadyFileStore extends SingleFileStore {

    /** The least part of the file, in per cent, that a commit frees by shrinking it. */
    static final int SHRINK_MIN_PERCENT = 20;

    SteadyFileStore() {
      super(new HashMap<>());
    }

    @Override
    protected void shrinkStoreIfPossible(int minPercent) {
      super.shrinkStoreIfPossible(minPercent == 0 ? 0 : Math.max(minPercent, SHRINK_MIN_PERCENT));
    }
  }

  private MVMap<String, String> existingMap(String collection) {
    MVMap<String, String> map = maps.get(collection);
    if (map == null && store.hasMap(collection)) {
      map = map(collection);
    }
    return map;
  }

  private MVMap<String, String> map(String collection) {
    return maps.computeIfAbsent(collection, store::openMap);
  }

  private void compactIfDue() {
    if (++writesSinceCompactCheck < COMPACT_CHECK_INTERVAL) {
      return;
    }
    writesSinceCompactCheck = 0;
    store.compact(COMPACT_TARGET_FILL_RATE, COMPACT_WRITE_LIMIT);
  }

  private void rollback(RuntimeException cause) {
    // A map opened by this write is dropped by the rollback: forget every cached one rather than track which.
    maps.clear();
    try {
      store.rollback();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("job store is closed: " + file);
    }
    if (store.isClosed()) {
      // MVStore closes itself after a write to the file fails ("panic"); only a reopen can tell what was kept.
      throw new IllegalStateException("job store closed itself after a failure: " + file, store.getPanicException());
    }
  }
}
