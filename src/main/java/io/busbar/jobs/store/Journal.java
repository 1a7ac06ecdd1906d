package io.busbar.jobs.store;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead journal of {@link MvJobStore}: one segment file at a time, {@code busbar-jobs-<n>.journal} in the
 * data directory, to which each store write is appended as one frame before the write returns. Appending a few
 * hundred bytes costs a few microseconds, where an MVStore commit costs a hundred or more; the store applies what the
 * journal holds to MVStore later, many writes per commit, and deletes the segments that MVStore then holds.
 *
 * <p>A frame is its payload's length (4 bytes, big-endian), the payload's CRC-32C (4 bytes) and the payload:
 * a format byte ({@value #FORMAT}), the collection, the number of upserts, each upsert's id and JSON text, the number
 * of deletes and each deleted id; a string is its length in bytes (4 bytes) and its UTF-16 units, each in the 1 to 3
 * bytes UTF-8 gives it. Replay stops at the first frame that is cut short or fails its checksum: a write that did not
 * complete, never one that was acknowledged.
 *
 * <p>Not thread-safe: the store appends under its lock.
 */
final class Journal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  static final String PREFIX = "busbar-jobs-";
  static final String SUFFIX = ".journal";
  /** The payload format this class writes and reads. */
  static final byte FORMAT = 1;
  private static final int HEADER_BYTES = 8;

  /** One journaled write: {@code ids.get(i)} is the id of the record whose JSON text is {@code texts.get(i)}. */
  record Entry(String collection, List<String> ids, List<String> texts, List<String> deletes) {
  }

  /** A segment file and its sequence number; later segments hold later writes. */
  record Segment(long sequence, Path file) {
  }

  private final Segment segment;
  private final FileChannel channel;
  private final boolean fsync;
  private long size;
  private boolean broken;

  private Journal(Segment segment, FileChannel channel, boolean fsync) {
    this.segment = segment;
    this.channel = channel;
    this.fsync = fsync;
  }

  /**
   * Creates segment {@code sequence} in {@code dir}; it must not exist yet. With {@code fsync}, the directory's
   * entry for it is forced to the device too, so that a power loss cannot lose the file with its frames.
   */
  static Journal create(Path dir, long sequence, boolean fsync) throws IOException {
    Path file = dir.resolve(PREFIX + String.format(Locale.ROOT, "%016d", sequence) + SUFFIX);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (fsync) {
      MvJobStore.syncDirectory(dir);
    }
    return new Journal(new Segment(sequence, file), channel, fsync);
  }

  /** The segments in {@code dir}, oldest first. */
  static List<Segment> segments(Path dir) throws IOException {
    List<Segment> segments = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 18) {
          segments.add(new Segment(Long.parseLong(digits), file));
        }
      }
    }
    segments.sort(Comparator.comparingLong(Segment::sequence));
    return segments;
  }

  /**
   * The frame of one write, ready to {@link #append}.
   *
   * @throws IllegalArgumentException if the write is too large for one frame (2 GiB)
   */
  static ByteBuffer frame(String collection, List<String> ids, List<String> texts, List<String> deletes) {
    List<String> strings = new ArrayList<>(1 + 2 * ids.size() + deletes.size());
    strings.add(collection);
    for (int i = 0; i < ids.size(); i++) {
      strings.add(ids.get(i));
      strings.add(texts.get(i));
    }
    strings.addAll(deletes);
    long payload = 1 + 4 + 4;
    for (String string : strings) {
      payload += 4 + encodedLength(string);
    }
    if (payload > Integer.MAX_VALUE - HEADER_BYTES) {
      throw new IllegalArgumentException("a write of " + payload + " bytes is too large for the job store's journal");
    }
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + (int) payload);
    frame.position(HEADER_BYTES);
    frame.put(FORMAT);
    putString(frame, strings.get(0));
    frame.putInt(ids.size());
    for (int i = 1; i <= 2 * ids.size(); i++) {
      putString(frame, strings.get(i));
    }
    frame.putInt(deletes.size());
    for (int i = 1 + 2 * ids.size(); i < strings.size(); i++) {
      putString(frame, strings.get(i));
    }
    CRC32C crc = new CRC32C();
    crc.update(frame.array(), HEADER_BYTES, (int) payload);
    frame.putInt(0, (int) payload);
    frame.putInt(4, (int) crc.getValue());
    frame.flip();
    return frame;
  }

  /**
   * Reads {@code file}'s frames in order into {@code apply} and returns how many it read. A frame cut short or failing
   * its checksum ends the replay: what follows it is logged and ignored.
   */
  static int replay(Path file, Consumer<Entry> apply) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long position = 0;
      int frames = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (size - position >= HEADER_BYTES) {
        header.clear();
        readFully(channel, header, position);
        int length = header.getInt(0);
        if (length <= 0 || length > size - position - HEADER_BYTES) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel, payload, position + HEADER_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(payload.array(), 0, length);
        Entry entry = (int) crc.getValue() == header.getInt(4) ? decode(payload.flip()) : null;
        if (entry == null) {
          break;
        }
        apply.accept(entry);
        position += HEADER_BYTES + length;
        frames++;
      }
      if (position < size) {
        LOG.warn("job store journal {}: ignored its last {} bytes, a write that did not complete", file,
            size - position);
      }
      return frames;
    }
  }

  /** The segment this journal appends to. */
  Segment segment() {
    return segment;
  }

  /** Bytes appended so far. */
  long size() {
    return size;
  }

  /**
   * Whether a failed append could not be taken back, leaving part of a frame at the end: later frames would be lost
   * on replay, so nothing may be appended any more.
   */
  boolean broken() {
    return broken;
  }

  /**
   * Appends {@code frame} and, with fsync, forces it to the device. When it fails, the segment is cut back to where it
   * was, so that the frames appended after it still replay; if even that fails, the journal is {@link #broken()}.
   */
  void append(ByteBuffer frame) throws IOException {
    if (broken) {
      throw new IOException("job store journal " + segment.file() + " is broken by an earlier failed append");
    }
    long start = size;
    try {
      long position = start;
      while (frame.hasRemaining()) {
        position += channel.write(frame, position);
      }
      if (fsync) {
        channel.force(false);
      }
      size = position;
    } catch (IOException e) {
      try {
        channel.truncate(start);
      } catch (IOException truncating) {
        broken = true;
        e.addSuppressed(truncating);
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static Entry decode(ByteBuffer payload) {
    try {
      if (payload.get() != FORMAT) {
        return null;
      }
      String collection = getString(payload);
      int upserts = count(payload);
      List<String> ids = new ArrayList<>(upserts);
      List<String> texts = new ArrayList<>(upserts);
      for (int i = 0; i < upserts; i++) {
        ids.add(getString(payload));
        texts.add(getString(payload));
      }
      int deleteCount = count(payload);
      List<String> deletes = new ArrayList<>(deleteCount);
      for (int i = 0; i < deleteCount; i++) {
        deletes.add(getString(payload));
      }
      return payload.hasRemaining() ? null : new Entry(collection, ids, texts, deletes);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return null;
    }
  }

  private static int count(ByteBuffer payload) {
    int count = payload.getInt();
    if (count < 0 || count > payload.remaining() / 4) {
      throw new IllegalArgumentException("bad count " + count);
    }
    return count;
  }

  /**
   * The bytes of {@code s} in the journal: UTF-8, except that each UTF-16 unit takes its own 1 to 3 bytes (a
   * supplementary character takes 6, as in CESU-8), so that a string holding a lone surrogate, which JSON text may,
   * comes back unchanged.
   */
  private static long encodedLength(String s) {
    long length = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        length += c >= 0x800 ? 2 : 1;
      }
    }
    return length;
  }

  private static void putString(ByteBuffer buffer, String s) {
    buffer.putInt((int) encodedLength(s));
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buffer.put((byte) c);
      } else if (c < 0x800) {
        buffer.put((byte) (0xc0 | c >> 6)).put((byte) (0x80 | c & 0x3f));
      } else {
        buffer.put((byte) (0xe0 | c >> 12)).put((byte) (0x80 | c >> 6 & 0x3f)).put((byte) (0x80 | c & 0x3f));
      }
    }
  }

  private static String getString(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("bad string length " + length);
    }
    int end = buffer.position() + length;
    StringBuilder s = new StringBuilder(length);
    while (buffer.position() < end) {
      int b = buffer.get() & 0xff;
      if (b < 0x80) {
        s.append((char) b);
      } else if (b >> 5 == 0x6) {
        s.append((char) ((b & 0x1f) << 6 | continuation(buffer)));
      } else if (b >> 4 == 0xe) {
        int high = (b & 0x0f) << 12 | continuation(buffer) << 6;
        s.append((char) (high | continuation(buffer)));
      } else {
        throw new IllegalArgumentException("bad string byte " + b);
      }
    }
    if (buffer.position() != end) {
      throw new IllegalArgumentException("a string runs past its length");
    }
    return s.toString();
  }

  private static int continuation(ByteBuffer buffer) {
    int b = buffer.get() & 0xff;
    if (b >> 6 != 0x2) {
      throw new IllegalArgumentException("bad string byte " + b);
    }
    return b & 0x3f;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of " + channel);
      }
    }
  }
}
