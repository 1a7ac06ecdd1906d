package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryJobStoreTest extends JobStoreContract {

  @Override
  JobStore open(Path dataDir) {
    return new MemoryJobStore();
  }

  @Test
  void durabilitySaysNothingSurvivesARestart() {
    assertThat(store.durability()).contains("nothing survives a restart");
  }

  @Test
  void aNewStoreStartsEmpty() {
    store.write("jobs", List.of(job("a", "queued")), List.of());

    try (JobStore other = new MemoryJobStore()) {
      assertThat(other.loadAll("jobs")).isEmpty();
    }
  }
}
