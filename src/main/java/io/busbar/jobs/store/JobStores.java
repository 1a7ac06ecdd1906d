package io.busbar.jobs.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Opens the {@link JobStore} that configuration names. */
public final class JobStores {

  /** Kind of {@link MemoryJobStore}: nothing survives a restart. */
  public static final String MEMORY = "memory";
  /** Kind of {@link MvJobStore}: one MVStore file under the data directory. */
  public static final String MVSTORE = "mvstore";
  /** Every kind {@link #open} accepts. */
  public static final List<String> KINDS = List.of(MEMORY, MVSTORE);

  private JobStores() {
  }

  /**
   * Opens a store of {@code kind}.
   *
   * @param kind {@value #MEMORY} or {@value #MVSTORE}, exactly
   * @param dataDir the directory of the store file (created if missing); ignored, and may be null, for memory
   * @param fsync for mvstore, whether each write also forces the file to the storage device (see {@link MvJobStore});
   *     ignored for memory
   * @throws IllegalArgumentException if {@code kind} is not one of {@link #KINDS}
   */
  public static JobStore open(String kind, Path dataDir, boolean fsync) {
    if (MEMORY.equals(kind)) {
      return new MemoryJobStore();
    }
    if (MVSTORE.equals(kind)) {
      return new MvJobStore(Objects.requireNonNull(dataDir, "dataDir is required for the mvstore job store"), fsync);
    }
    throw new IllegalArgumentException("unknown job store kind '" + kind + "'; allowed: " + String.join(", ", KINDS));
  }
}
