package io.busbar.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.busbar.jobs.store.Journal.Entry;
import io.busbar.jobs.store.Journal.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

  @TempDir
  Path dir;

  private static final Entry FIRST = new Entry("jobs", List.of("a", "é-ü"), List.of("{\"id\":\"a\"}",
      "{\"id\":\"é-ü\",\"text\":\"日本 \\u0000 \uD83D\uDE00 lone \uD800 \uDC00\"}"), List.of());
  private static final Entry SECOND = new Entry("batches", List.of(), List.of(), List.of("x", "y"));
  private static final Entry THIRD = new Entry("jobs", List.of("b"), List.of("{}"), List.of("a"));

  @Test
  void framesReplayInTheOrderTheyWereAppended() throws IOException {
    Path file = write(FIRST, SECOND, THIRD);

    assertThat(replay(file)).containsExactly(FIRST, SECOND, THIRD);
  }

  @Test
  void aFrameCutShortEndsTheReplay() throws IOException {
    Path file = write(FIRST, SECOND, THIRD);
    for (int cut = 1; cut <= 8 + 10; cut++) {
      Path copy = dir.resolve("cut-" + cut);
      Files.copy(file, copy);
      try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
        channel.truncate(channel.size() - cut);
      }

      assertThat(replay(copy)).as("cut by %d bytes", cut).containsExactly(FIRST, SECOND);
    }
  }

  @Test
  void aFrameThatFailsItsChecksumEndsTheReplay() throws IOException {
    Path file = write(FIRST, SECOND, THIRD);
    long secondStart = frameOf(FIRST).remaining();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, secondStart + 12);
      b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
      channel.write(b, secondStart + 12);
    }

    assertThat(replay(file)).containsExactly(FIRST);
  }

  @Test
  void zerosAfterTheLastFrameAreIgnored() throws IOException {
    Path file = write(FIRST);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.allocate(4096));
    }

    assertThat(replay(file)).containsExactly(FIRST);
  }

  @Test
  void segmentsAreListedOldestFirstAndOtherFilesIgnored() throws IOException {
    for (long sequence : new long[] {10, 2, 1}) {
      Journal.create(dir, sequence, false).close();
    }
    Files.writeString(dir.resolve("busbar-jobs-x.journal"), "");
    Files.writeString(dir.resolve("busbar-jobs.mv.db"), "");

    assertThat(Journal.segments(dir)).extracting(Segment::sequence).containsExactly(1L, 2L, 10L);
    assertThat(Journal.segments(dir).get(0).file().getFileName().toString())
        .isEqualTo("busbar-jobs-0000000000000001.journal");
  }

  @Test
  void anExistingSegmentIsNeverOverwritten() throws IOException {
    Journal.create(dir, 1, false).close();

    assertThatThrownBy(() -> Journal.create(dir, 1, false)).isInstanceOf(IOException.class);
  }

  @Test
  void anAppendThatCannotBeTakenBackLeavesTheJournalBroken() throws IOException {
    Journal journal = Journal.create(dir, 1, false);
    journal.append(frameOf(FIRST));
    journal.close(); // the next write fails, and so does cutting the segment back
    assertThat(journal.broken()).isFalse();

    assertThatThrownBy(() -> journal.append(frameOf(SECOND))).isInstanceOf(IOException.class);
    assertThat(journal.broken()).isTrue();
    assertThatThrownBy(() -> journal.append(frameOf(THIRD))).isInstanceOf(IOException.class)
        .hasMessageContaining("broken");
    assertThat(replay(journal.segment().file())).containsExactly(FIRST);
  }

  private static ByteBuffer frameOf(Entry e) {
    return Journal.frame(e.collection(), e.ids(), e.texts(), e.deletes());
  }

  private Path write(Entry... entries) throws IOException {
    try (Journal journal = Journal.create(dir, 1, false)) {
      long expected = 0;
      for (Entry e : entries) {
        ByteBuffer frame = frameOf(e);
        expected += frame.remaining();
        journal.append(frame);
      }
      assertThat(journal.size()).isEqualTo(expected);
      return journal.segment().file();
    }
  }

  private static List<Entry> replay(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    int frames = Journal.replay(file, entries::add);
    assertThat(frames).isEqualTo(entries.size());
    return entries;
  }
}
