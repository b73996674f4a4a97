package org.quicmesh.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * One JSON file of the state dir, written atomically (a temporary file in the same directory, flushed to disk, then
 * renamed over the old one), so a crash mid-write leaves the previous file intact; read back without ever throwing:
 * a torn, corrupt or unknown-format file comes back as a problem to warn about. Plain file I/O: callers run it off the
 * actors' threads.
 */
final class StateFile<T> {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * What a read found.
   *
   * @param snapshot the file's content; empty when there is no file or it could not be used
   * @param problem why the file could not be used, if it exists and could not
   */
  record Read<T>(Optional<T> snapshot, Optional<String> problem) {}

  private final Path file;
  private final Class<T> type;
  private final ToIntFunction<T> version;
  private final int currentVersion;

  /** {@code version}: the format version a snapshot says it has, which must be {@code currentVersion}. */
  StateFile(Path file, Class<T> type, ToIntFunction<T> version, int currentVersion) {
    this.file = file;
    this.type = type;
    this.version = version;
    this.currentVersion = currentVersion;
  }

  Path path() {
    return file;
  }

  /** Replaces the file with {@code snapshot}, atomically; creates the directory if needed. */
  void write(T snapshot) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(snapshot);
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true); // on disk before the rename makes it the file
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The file's snapshot: nothing when there is none; a corrupt or unknown-format file is named in the problem. */
  Read<T> read() {
    T snapshot;
    try {
      snapshot = JSON.readValue(Files.readAllBytes(file), type);
    } catch (NoSuchFileException none) {
      return new Read<>(Optional.empty(), Optional.empty());
    } catch (IOException | RuntimeException corrupt) {
      return new Read<>(Optional.empty(), Optional.of(file + " is unreadable or corrupt ("
          + corrupt.getClass().getSimpleName() + "); ignoring it"));
    }
    if (snapshot == null || version.applyAsInt(snapshot) != currentVersion) {
      return new Read<>(Optional.empty(), Optional.of(file + " has an unknown format (version "
          + (snapshot == null ? "none" : version.applyAsInt(snapshot)) + "); ignoring it"));
    }
    return new Read<>(Optional.of(snapshot), Optional.empty());
  }
}
