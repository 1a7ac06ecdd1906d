package io.busbar.jobs.store;

import io.busbar.jobs.store.Journal.Segment;
import io.busbar.metrics.JobMeters;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.SingleFileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link JobStore}: an H2 MVStore file, {@value #FILE_NAME}, under a data directory, in front of which a
 * {@link Journal} takes each write. Each collection is an {@code MVMap<String, String>} from id to the record's JSON
 * text.
 *
 * <p><b>Writes.</b> {@link #write} appends the write to the journal as one checksummed frame and returns; a thread of
 * the store's own, the checkpointer, applies what the journal holds to MVStore every {@value #CHECKPOINT_INTERVAL_MS}
 * ms (sooner after {@value #CHECKPOINT_RECORDS} records), all of it in one MVStore commit, then deletes the journal
 * segments that commit covers. An MVStore commit costs 100 us or more however little it holds, an append a few: this
 * takes the commit off every write's path, and a job stored as queued and then as finished between two checkpoints
 * reaches MVStore once. Writes wait while {@value #MAX_PENDING_RECORDS} records are not yet checkpointed.
 *
 * <p><b>Durability.</b> When {@code write} returns:
 * <ul>
 *   <li>{@code fsync = false} (default): the frame has been written to the journal file, so the operating system
 *       holds it and it survives a crash or {@code kill -9} of the JVM. An OS crash or a power loss can lose the
 *       writes the OS had not flushed yet (on Linux, typically up to about 30 s of them) and may leave the MVStore
 *       file unreadable, because the store reuses file space freed by earlier commits at once.</li>
 *   <li>{@code fsync = true}: the journal has also been forced to the storage device ({@code FileChannel.force}), so
 *       the write also survives an OS crash or a power loss, as far as the device honours flush requests; each
 *       checkpoint forces the MVStore file before it deletes journal segments, and a new file's directory entry is
 *       forced too (where the platform can open a directory; not on Windows).</li>
 * </ul>
 * A write is all or nothing: a record that cannot be encoded fails it before anything is written, a failed append is
 * cut back off the journal, and a frame cut short by a crash is ignored on replay. On open, a file left by a killed
 * process is recovered to its last completed commit, then every journal segment left is applied to it, oldest first
 * (applying again what a commit already holds changes nothing: each frame holds whole records), and committed.
 *
 * <p><b>File size.</b> Every commit appends a chunk of at least 4 KiB. Space of chunks that no longer hold live data is
 * reused by later commits at once (MVStore's retention time is set to 0; its default, 45 s, lets the file grow by
 * every chunk written in the last 45 s). Every {@value #COMPACT_CHECK_INTERVAL} commits, if chunks are less than
 * {@value #COMPACT_TARGET_FILL_RATE}% live, up to {@value #COMPACT_WRITE_LIMIT} bytes of the emptiest chunks are
 * rewritten as part of that commit. MVStore's {@code autoCompactFillRate} is not used: it only drives the background
 * thread, which is off. The file shrinks when a commit leaves at least {@value SteadyFileStore#SHRINK_MIN_PERCENT}% of
 * it free at its end, and at close ({@link SteadyFileStore}). A journal segment is replaced by a new one once it
 * passes {@value #SEGMENT_BYTES} bytes and deleted at the next checkpoint.
 *
 * <p><b>Threads.</b> The store is safe to share; writes are serialized. Calls block on file I/O: never call them on
 * an event loop. Only one process can open the store at a time (MVStore locks its file).
 */
public final class MvJobStore implements JobStore {

  private static final Logger LOG = LoggerFactory.getLogger(MvJobStore.class);

  /** The store's file name inside the data directory. */
  public static final String FILE_NAME = "busbar-jobs.mv.db";

  /** Commits between two checks of the chunk fill rate. */
  static final int COMPACT_CHECK_INTERVAL = 10;
  /** Rewrite chunks when, on average, less than this percentage of their bytes is live. */
  static final int COMPACT_TARGET_FILL_RATE = 50;
  /** Bytes of chunks rewritten at most by one compaction pass. */
  static final int COMPACT_WRITE_LIMIT = 1 << 20;
  /** The longest a journaled write waits for its checkpoint. */
  static final long CHECKPOINT_INTERVAL_MS = 200;
  /** Records not yet checkpointed that start a checkpoint before its time. */
  static final int CHECKPOINT_RECORDS = 20_000;
  /** Records not yet checkpointed at which writes wait for the checkpointer. */
  static final int MAX_PENDING_RECORDS = 100_000;
  /** A journal segment is replaced by a new one once it is this large. */
  static final long SEGMENT_BYTES = 64L << 20;

  static final String DURABILITY_NO_FSYNC = "mvstore, fsync off: each write is appended to the store's journal file"
      + " before write() returns, so it survives a crash or kill -9 of the JVM (the operating system holds it); an OS"
      + " crash or power loss can lose the writes the OS had not flushed yet (typically up to ~30 s) and may leave the"
      + " file unreadable";
  static final String DURABILITY_FSYNC = "mvstore, fsync on: each write is appended to the store's journal file and"
      + " forced to the storage device before write() returns, so it survives a crash or kill -9 of the JVM, an OS"
      + " crash and a power loss, as far as the device honours flush requests";

  private final Path dataDir;
  private final Path file;
  private final boolean fsync;
  private final MVStore store;
  /** Guards MVStore and {@link #maps}: held by a checkpoint, loadAll and close. Taken before {@code this}. */
  private final Object checkpointLock = new Object();
  private final Map<String, MVMap<String, String>> maps = new HashMap<>();
  private final Thread checkpointer;
  private final long checkpointIntervalNanos;
  private int commitsSinceCompactCheck;
  /** Where checkpoints record their durations, once meters are registered. */
  private volatile Timer checkpointTimer;

  // Guarded by this: the journal, the writes it holds that MVStore does not yet, and the state.
  private Journal journal;
  /** Per collection, id to JSON text, or to null for a delete, in the order written. */
  private Map<String, Map<String, String>> pending = new HashMap<>();
  private int pendingRecords;
  private long firstPendingNanos;
  private boolean closed;
  /** Why the store cannot take writes any more: a checkpoint or an append that could not be taken back failed. */
  private volatile Throwable failure;

  /** Opens or creates the store in {@code dataDir}, without fsync; see {@link #MvJobStore(Path, boolean)}. */
  public MvJobStore(Path dataDir) {
    this(dataDir, false);
  }

  /**
   * Opens or creates {@value #FILE_NAME} in {@code dataDir}, creating the directory if needed, recovers the file to
   * its last commit if a process was killed while writing it, and applies the journal segments it finds.
   *
   * @param dataDir the directory of the store file
   * @param fsync whether each write also forces the journal to the storage device; see the class comment
   * @throws UncheckedIOException if the directory cannot be created or the journal cannot be read or created
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
    this(dataDir, fsync, steady, CHECKPOINT_INTERVAL_MS);
  }

  /**
   * As {@link #MvJobStore(Path, boolean, boolean)}, with the checkpointer's interval: tests make it long, so that
   * only their own {@link #checkpoint()} calls and {@link #CHECKPOINT_RECORDS} start one.
   */
  MvJobStore(Path dataDir, boolean fsync, boolean steady, long checkpointIntervalMs) {
    Objects.requireNonNull(dataDir, "dataDir");
    this.checkpointIntervalNanos = TimeUnit.MILLISECONDS.toNanos(checkpointIntervalMs);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create job store directory " + dataDir, e);
    }
    this.dataDir = dataDir;
    this.file = dataDir.resolve(FILE_NAME);
    this.fsync = fsync;
    boolean creating = !Files.exists(file);
    this.store = openStore(file, steady);
    store.setRetentionTime(0);
    if (fsync && creating) {
      syncDirectory(dataDir);
    }
    try {
      this.journal = recover();
    } catch (IOException e) {
      store.closeImmediately();
      throw new UncheckedIOException("cannot recover the job store journal in " + dataDir, e);
    } catch (RuntimeException e) {
      store.closeImmediately();
      throw e;
    }
    this.checkpointer = new Thread(this::checkpoints, "busbar-job-store-checkpoint");
    checkpointer.setDaemon(true);
    checkpointer.start();
  }

  private static MVStore openStore(Path file, boolean steady) {
    try {
      // autoCommitDisabled() stops only the timed background commit; a buffer size of 0 also stops the commit that
      // MVStore starts by itself once enough changes are pending, which would split a checkpoint in two on disk.
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
      return builder
          .autoCommitDisabled()
          .autoCommitBufferSize(0)
          .open();
    } catch (MVStoreException e) {
      throw new IllegalStateException("cannot open job store " + file + ": " + e.getMessage(), e);
    }
  }

  /** The store file. */
  public Path file() {
    return file;
  }

  /** Whether each write forces the journal to the storage device. */
  public boolean fsync() {
    return fsync;
  }

  /** The MVStore version, one more after each commit that changed something; for tests and diagnostics. */
  long version() {
    synchronized (checkpointLock) {
      return store.getCurrentVersion();
    }
  }

  /** Every record of {@code collection}, checkpointed first; empty for an unknown collection. */
  @Override
  public List<JsonObject> loadAll(String collection) {
    Records.checkCollection(collection);
    synchronized (checkpointLock) {
      ensureOpen();
      checkpoint();
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
  }

  /**
   * Appends {@code upserts}, then {@code deletes} (an id in both ends up deleted), to the journal as one frame; with
   * fsync on, then forces it to the device. Nothing is changed if a record has no string {@code "id"} or cannot be
   * encoded as JSON, or if the append fails.
   */
  @Override
  public void write(String collection, List<JsonObject> upserts, List<String> deletes) {
    Records.checkCollection(collection);
    List<String> ids = Records.idsOf(upserts);
    Records.checkDeletes(deletes);
    if (upserts.isEmpty() && deletes.isEmpty()) {
      synchronized (this) {
        ensureOpen();
      }
      return;
    }
    List<String> texts = Records.encodeAll(upserts);
    ByteBuffer frame = Journal.frame(collection, ids, texts, deletes);
    synchronized (this) {
      ensureOpen();
      awaitRoom();
      try {
        if (journal.size() >= SEGMENT_BYTES) {
          Journal full = journal;
          journal = Journal.create(dataDir, full.segment().sequence() + 1, fsync);
          closeQuietly(full); // its frames are all written; failing to close it must not stop the next segment
        }
        journal.append(frame);
      } catch (IOException e) {
        if (journal.broken()) {
          failure = e;
        }
        throw new UncheckedIOException("cannot append to the job store journal in " + dataDir, e);
      }
      Map<String, String> records = pending.computeIfAbsent(collection, c -> new LinkedHashMap<>());
      int before = records.size();
      putWrite(records, ids, texts, deletes);
      boolean wasEmpty = pendingRecords == 0;
      pendingRecords += records.size() - before;
      if (wasEmpty) {
        firstPendingNanos = System.nanoTime();
      }
      if (wasEmpty || pendingRecords >= CHECKPOINT_RECORDS) {
        notifyAll();
      }
    }
  }

  @Override
  public String kind() {
    return "mvstore";
  }

  @Override
  public void registerMeters(JobMeters meters) {
    checkpointTimer = meters.registerJournal(this::pendingRecords, this::journalBytes);
  }

  /** Records written to the journal and not yet checkpointed. */
  synchronized int pendingRecords() {
    return pendingRecords;
  }

  /** Bytes of the journal segment being appended to. */
  synchronized long journalBytes() {
    return journal.size();
  }

  @Override
  public String durability() {
    return fsync ? DURABILITY_FSYNC : DURABILITY_NO_FSYNC;
  }

  /**
   * Checkpoints what the journal holds, closes the MVStore file (marking it cleanly shut down) and deletes the journal.
   * Calling it twice is harmless.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    try {
      checkpointer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (checkpointLock) {
      boolean checkpointed = false;
      try {
        if (failure == null) {
          checkpoint();
          checkpointed = true;
        }
      } catch (RuntimeException e) {
        LOG.error("the last checkpoint of job store {} failed; its journal is kept for the next open", file, e);
      } finally {
        Segment current;
        synchronized (this) {
          current = journal.segment();
          closeQuietly(journal);
        }
        maps.clear();
        if (checkpointed) {
          store.close();
          deleteSegments(current.sequence() + 1);
        } else {
          store.closeImmediately(); // no commit of a checkpoint half applied: the journal replays it whole
        }
      }
    }
  }

  /**
   * Applies every write the journal holds to MVStore in one commit (forced to the device with fsync on), then deletes
   * the journal segments before the one being appended to, which that commit covers. Done by the checkpointer; tests
   * call it to see a write in MVStore.
   */
  void checkpoint() {
    synchronized (checkpointLock) {
      Map<String, Map<String, String>> batch;
      long current;
      synchronized (this) {
        batch = pending;
        current = journal.segment().sequence();
        if (pendingRecords > 0) {
          pending = new HashMap<>();
          pendingRecords = 0;
          notifyAll();
        }
      }
      if (!batch.isEmpty()) {
        long start = System.nanoTime();
        try {
          batch.forEach(this::apply);
          if (++commitsSinceCompactCheck >= COMPACT_CHECK_INTERVAL) {
            commitsSinceCompactCheck = 0;
            // Before the commit: the rewritten pages are in this commit, so no chunk is freed by a version that is
            // not yet in the file.
            store.compact(COMPACT_TARGET_FILL_RATE, COMPACT_WRITE_LIMIT);
          }
          store.commit();
          if (fsync) {
            store.sync();
          }
          Timer timer = checkpointTimer;
          if (timer != null) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          }
        } catch (RuntimeException e) {
          // MVStore's maps now differ from its last commit: only a reopen, which replays the journal, can go on.
          failure = e;
          throw e;
        }
      }
      deleteSegments(current);
    }
  }

  /**
   * Puts one write into {@code records} (id to JSON text, or to null for a delete): upserts, then deletes, so that an
   * id in both ends up deleted. Shared by writes, which gather in {@link #pending}, and by the journal's replay.
   */
  private static void putWrite(Map<String, String> records, List<String> ids, List<String> texts,
      List<String> deletes) {
    for (int i = 0; i < ids.size(); i++) {
      records.put(ids.get(i), texts.get(i));
    }
    deletes.forEach(id -> records.put(id, null));
  }

  private void apply(String collection, Map<String, String> records) {
    MVMap<String, String> map = null;
    for (Map.Entry<String, String> record : records.entrySet()) {
      if (record.getValue() != null) {
        map = map != null ? map : map(collection);
        map.put(record.getKey(), record.getValue());
      } else {
        map = map != null ? map : existingMap(collection);
        if (map != null) {
          map.remove(record.getKey()); // deletes alone never create a collection
        }
      }
    }
  }

  /** The checkpointer: a checkpoint once the oldest pending write has waited its interval, or enough are pending. */
  private void checkpoints() {
    long interval = checkpointIntervalNanos;
    while (true) {
      synchronized (this) {
        while (!closed && failure == null && pendingRecords < CHECKPOINT_RECORDS) {
          long left = pendingRecords == 0 ? 0 : interval - (System.nanoTime() - firstPendingNanos);
          if (pendingRecords > 0 && left <= 0) {
            break;
          }
          try {
            wait(pendingRecords == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed || failure != null) {
          return;
        }
      }
      try {
        checkpoint();
      } catch (RuntimeException e) {
        LOG.error("a checkpoint of job store {} failed; it takes no more writes until it is opened again", file, e);
        synchronized (this) {
          notifyAll();
        }
        return;
      }
    }
  }

  /** Waits while too many records are not yet checkpointed. */
  private void awaitRoom() {
    while (pendingRecords >= MAX_PENDING_RECORDS) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the job store's checkpoint was behind", e);
      }
      ensureOpen();
    }
  }

  /**
   * Applies the journal segments a previous process left, oldest first, in one commit, deletes them and starts the
   * next segment.
   */
  private Journal recover() throws IOException {
    List<Segment> segments = Journal.segments(dataDir);
    long next = 1;
    if (!segments.isEmpty()) {
      int frames = 0;
      for (Segment segment : segments) {
        frames += Journal.replay(segment.file(), entry -> {
          Map<String, String> records = new LinkedHashMap<>();
          putWrite(records, entry.ids(), entry.texts(), entry.deletes());
          apply(entry.collection(), records);
        });
      }
      store.commit();
      if (fsync) {
        store.sync();
      }
      next = segments.get(segments.size() - 1).sequence() + 1;
      deleteSegments(next);
      LOG.info("job store {}: applied {} writes from {} journal segment(s) left by the last run", file, frames,
          segments.size());
    }
    return Journal.create(dataDir, next, fsync);
  }

  /**
   * Deletes the journal segments before {@code sequence}, oldest first, and stops at the first that cannot be deleted:
   * it and those after it are replayed again on the next open, which changes nothing. Skipping it would not be safe:
   * replaying an old segment without the ones that followed it would bring back states they replaced.
   */
  private void deleteSegments(long sequence) {
    try {
      for (Segment segment : Journal.segments(dataDir)) {
        if (segment.sequence() < sequence) {
          Files.deleteIfExists(segment.file());
        }
      }
    } catch (IOException e) {
      LOG.warn("job store {}: cannot delete journal segments already checkpointed: {}", file, e.toString());
    }
  }

  private static void closeQuietly(Journal journal) {
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("closing the job store journal {} failed: {}", journal.segment().file(), e.toString());
    }
  }

  /** Forces a new file's directory entry to the device, so that a power loss cannot lose the whole file. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; there the file system orders the entry by itself or not.
    }
  }

  /**
   * MVStore's file store, except that a commit does not shrink the file as soon as its last chunk is free. Every such
   * shrink first forces the file to the device, a flush of some milliseconds that a store with fsync off would
   * otherwise pay a few times per thousand commits, at random. The file still shrinks when a commit finds at least
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

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("job store is closed: " + file);
    }
    if (failure != null) {
      throw new IllegalStateException("job store " + file + " takes no more writes after a failure; open it again",
          failure);
    }
  }
}
