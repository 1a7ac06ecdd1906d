package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoresTest {

  @TempDir
  Path dataDir;

  @Test
  void memoryKindOpensAMemoryStoreWithoutADataDirectory() {
    try (JobStore store = JobStores.open("memory", null, true)) {
      assertThat(store).isInstanceOf(MemoryJobStore.class);
    }
  }

  @Test
  void mvstoreKindOpensAnMvStoreFileUnderTheDataDirectory() {
    try (JobStore store = JobStores.open("mvstore", dataDir.resolve("jobs"), true)) {
      assertThat(store).isInstanceOf(MvJobStore.class);
      assertThat(((MvJobStore) store).fsync()).isTrue();
      assertThat(dataDir.resolve("jobs").resolve(MvJobStore.FILE_NAME)).exists();
    }
  }

  @Test
  void mvstoreKindRequiresADataDirectory() {
    assertThatThrownBy(() -> JobStores.open("mvstore", null, false))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataDir");
  }

  @Test
  void unknownKindIsRejectedWithTheAllowedKinds() {
    assertThatThrownBy(() -> JobStores.open("MVStore", dataDir, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'MVStore'")
        .hasMessageContaining("memory, mvstore");
    assertThatThrownBy(() -> JobStores.open(null, dataDir, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory, mvstore");
  }
}
