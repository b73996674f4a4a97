package org.quicmesh.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.quicmesh.identity.IdentityFileException.Problem;

/**
 * The on-disk form of a node secret. Format (ASCII, {@code \n} line ends, at most {@value #MAX_SIZE} bytes):
 *
 * <pre>
 * quicmesh-ed25519-v1
 * &lt;standard base64 of the 32-byte Ed25519 secret&gt;
 * &lt;64 hex characters of the NodeId&gt;
 * </pre>
 *
 * The NodeId line lets operators see whose key it is and catches a damaged secret that would otherwise still decode to
 * 32 bytes and silently become a different identity. The file is owner-only ({@code rw-------}) from the moment it
 * exists, and one that group or others can access is refused on load.
 */
final class KeyFile {
  static final String MAGIC = "quicmesh-ed25519-v1";
  static final int MAX_SIZE = 1024;
  private static final String MAGIC_FAMILY = "quicmesh-ed25519-";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  private KeyFile() {}

  static String encode(Keypair keypair) {
    return MAGIC + "\n" + Base64.getEncoder().encodeToString(keypair.secret()) + "\n"
        + keypair.nodeId().toHex() + "\n";
  }

  /**
   * Writes a new identity file; never overwrites. The content goes to an owner-only temporary file in the same
   * directory, is forced to disk, then hard-linked to {@code path} (atomic, fails if it exists), so a crash never
   * leaves a half-written identity behind.
   */
  static void save(Keypair keypair, Path path) throws IdentityFileException {
    Path target = path.toAbsolutePath();
    requirePosix(target);
    Path dir = target.getParent();
    Path temp = null;
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      }
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IdentityFileException(path, Problem.ALREADY_EXISTS, "already exists; refusing to overwrite");
      }
      // createTempFile creates with exactly these permissions (O_CREAT|O_EXCL with mode 0600), umask can only narrow.
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      byte[] content = encode(keypair).getBytes(StandardCharsets.US_ASCII);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      publish(temp, target, path);
    } catch (IdentityFileException e) {
      throw e;
    } catch (IOException e) {
      throw new IdentityFileException(path, Problem.IO, "cannot write: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort: the temporary file is owner-only, so a leftover leaks nothing.
        }
      }
    }
  }

  private static void publish(Path temp, Path target, Path path) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw new IdentityFileException(path, Problem.ALREADY_EXISTS, "already exists; refusing to overwrite", e);
    } catch (UnsupportedOperationException e) {
      // No hard links on this file system: a plain move still refuses an existing target.
      try {
        Files.move(temp, target);
      } catch (FileAlreadyExistsException e2) {
        throw new IdentityFileException(path, Problem.ALREADY_EXISTS, "already exists; refusing to overwrite", e2);
      }
    }
  }

  static Keypair load(Path path) throws IdentityFileException {
    requirePosix(path.toAbsolutePath());
    byte[] raw;
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      if (!OWNER_ONLY.containsAll(permissions)) {
        throw new IdentityFileException(path, Problem.INSECURE_PERMISSIONS, "has permissions "
            + PosixFilePermissions.toString(permissions) + " but must be accessible by its owner only (chmod 600)");
      }
      if (!Files.isRegularFile(path)) {
        throw new IdentityFileException(path, Problem.WRONG_FORMAT, "is not a regular file");
      }
      try (InputStream in = Files.newInputStream(path)) {
        raw = in.readNBytes(MAX_SIZE + 1);
      }
    } catch (IdentityFileException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new IdentityFileException(path, Problem.IO, "does not exist", e);
    } catch (IOException e) {
      throw new IdentityFileException(path, Problem.IO, "cannot read: " + e, e);
    }
    try {
      return parse(path, raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static Keypair parse(Path path, byte[] raw) throws IdentityFileException {
    if (raw.length > MAX_SIZE) {
      throw new IdentityFileException(path, Problem.WRONG_FORMAT, "is larger than " + MAX_SIZE + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.US_ASCII.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new IdentityFileException(path, Problem.WRONG_FORMAT, "is not ASCII text", e);
    }
    String[] lines = text.split("\r?\n", -1);
    String first = lines[0];
    if (!first.equals(MAGIC)) {
      if (first.startsWith(MAGIC_FAMILY)) {
        throw new IdentityFileException(path, Problem.WRONG_FORMAT,
            "has unsupported format '" + abbreviate(first) + "' (this version reads " + MAGIC + ")");
      }
      throw new IdentityFileException(path, Problem.WRONG_FORMAT,
          "is not a quicmesh identity file (first line must be '" + MAGIC + "')");
    }
    // Three lines, optionally followed by the final newline's empty remainder.
    int count = lines.length;
    if (count == 4 && lines[3].isEmpty()) {
      count = 3;
    }
    if (count != 3) {
      throw new IdentityFileException(path, Problem.CORRUPT,
          "must have 3 lines (format, secret, node id), has " + count);
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(lines[1].trim());
    } catch (IllegalArgumentException e) {
      throw new IdentityFileException(path, Problem.CORRUPT, "secret is not valid base64", e);
    }
    if (secret.length != 32) {
      throw new IdentityFileException(path, Problem.CORRUPT,
          "secret has " + secret.length + " bytes, an Ed25519 secret has 32");
    }
    NodeId recorded;
    try {
      recorded = NodeId.fromHex(lines[2].trim());
    } catch (IllegalArgumentException e) {
      throw new IdentityFileException(path, Problem.CORRUPT, "node id line is not 64 hex characters", e);
    }
    Keypair keypair;
    try {
      keypair = Keypair.fromSecret(secret);
    } catch (IllegalArgumentException e) {
      throw new IdentityFileException(path, Problem.CORRUPT, "secret is not a valid Ed25519 key", e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    if (!keypair.nodeId().equals(recorded)) {
      throw new IdentityFileException(path, Problem.CORRUPT, "secret belongs to node " + keypair.nodeId().toHex()
          + " but the file records " + recorded.toHex() + " (file damaged?)");
    }
    return keypair;
  }

  /** Loads the identity at {@code path}, or creates one only if no file (not even a broken one) is there. */
  static Keypair loadOrCreate(Path path, SecureRandom random) throws IdentityFileException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Keypair created = Keypair.generate(random);
      try {
        save(created, path);
        return created;
      } catch (IdentityFileException e) {
        if (e.problem() != Problem.ALREADY_EXISTS) {
          throw e;
        }
        // Another process created it in between: its identity wins, load it below.
      }
    }
    return load(path);
  }

  private static void requirePosix(Path path) throws IdentityFileException {
    if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      throw new IdentityFileException(path, Problem.INSECURE_PERMISSIONS,
          "the file system has no POSIX permissions, so the secret cannot be kept owner-only");
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 40 ? line : line.substring(0, 40) + "...";
  }
}
