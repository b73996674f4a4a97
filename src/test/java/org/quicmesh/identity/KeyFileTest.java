package org.quicmesh.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicmesh.identity.IdentityFileException.Problem;

class KeyFileTest {
  @TempDir
  Path dir;

  private Path writeOwnerOnly(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private Problem loadProblem(Path file) {
    return assertThrows(IdentityFileException.class, () -> Keypair.load(file)).problem();
  }

  @Test
  void saveThenLoadRestoresTheSameIdentity() throws IOException {
    Keypair k = Keypair.generate();
    Path file = dir.resolve("node.key");
    k.save(file);
    Keypair loaded = Keypair.load(file);
    assertEquals(k.nodeId(), loaded.nodeId());
    assertArrayEquals(k.secret(), loaded.secret());
  }

  @Test
  void savedFileIsOwnerOnlyAndInTheDocumentedFormat() throws IOException {
    Keypair k = Keypair.generate();
    Path file = dir.resolve("node.key");
    k.save(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("quicmesh-ed25519-v1\n" + Base64.getEncoder().encodeToString(k.secret()) + "\n"
        + k.nodeId().toHex() + "\n", Files.readString(file));
    try (var listing = Files.list(dir)) {
      assertEquals(1, listing.count(), "no temporary file is left behind");
    }
  }

  @Test
  void saveCreatesMissingDirectoriesOwnerOnly() throws IOException {
    Path file = dir.resolve("a/b/node.key");
    Keypair.generate().save(file);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void saveRefusesToOverwrite() throws IOException {
    Path file = dir.resolve("node.key");
    Keypair first = Keypair.generate();
    first.save(file);
    IdentityFileException e =
        assertThrows(IdentityFileException.class, () -> Keypair.generate().save(file));
    assertEquals(Problem.ALREADY_EXISTS, e.problem());
    assertEquals(first.nodeId(), Keypair.load(file).nodeId());
  }

  @Test
  void loadRejectsGroupOrOtherReadableFiles() throws IOException {
    Path file = dir.resolve("node.key");
    Keypair.generate().save(file);
    for (String perms : new String[] {"rw-r-----", "rw----r--", "rw-rw-rw-", "rw-----w-"}) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
      IdentityFileException e = assertThrows(IdentityFileException.class, () -> Keypair.load(file), perms);
      assertEquals(Problem.INSECURE_PERMISSIONS, e.problem(), perms);
      assertTrue(e.getMessage().contains(perms) && e.getMessage().contains("owner only"), e.getMessage());
    }
  }

  @Test
  void loadAcceptsOwnerReadOnly() throws IOException {
    Path file = dir.resolve("node.key");
    Keypair k = Keypair.generate();
    k.save(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertEquals(k.nodeId(), Keypair.load(file).nodeId());
  }

  @Test
  void loadRejectsAFileThatIsNotAnIdentityFile() throws IOException {
    assertEquals(Problem.WRONG_FORMAT, loadProblem(writeOwnerOnly("a", "")));
    assertEquals(Problem.WRONG_FORMAT, loadProblem(writeOwnerOnly("b", "-----BEGIN PRIVATE KEY-----\nabc\n")));
    assertEquals(Problem.WRONG_FORMAT, loadProblem(writeOwnerOnly("c", "quicmesh-ed25519-v2\nAAAA\n")));
    Path binary = dir.resolve("d");
    Files.write(binary, new byte[] {(byte) 0xff, 0, 1});
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rw-------"));
    assertEquals(Problem.WRONG_FORMAT, loadProblem(binary));
    assertEquals(Problem.WRONG_FORMAT, loadProblem(writeOwnerOnly("e", "quicmesh-ed25519-v1\n" + "A".repeat(2000))));
  }

  @Test
  void loadRejectsACorruptSecret() throws IOException {
    Keypair k = Keypair.generate();
    String id = k.nodeId().toHex();
    String secret = Base64.getEncoder().encodeToString(k.secret());
    assertEquals(Problem.CORRUPT, loadProblem(writeOwnerOnly("badb64", "quicmesh-ed25519-v1\n!!notbase64!!\n" + id)));
    assertEquals(Problem.CORRUPT, loadProblem(writeOwnerOnly("short",
        "quicmesh-ed25519-v1\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n" + id + "\n")));
    assertEquals(Problem.CORRUPT, loadProblem(writeOwnerOnly("long",
        "quicmesh-ed25519-v1\n" + Base64.getEncoder().encodeToString(new byte[33]) + "\n" + id + "\n")));
    assertEquals(Problem.CORRUPT, loadProblem(writeOwnerOnly("noid", "quicmesh-ed25519-v1\n" + secret + "\n")));
    assertEquals(Problem.CORRUPT, loadProblem(writeOwnerOnly("extra",
        "quicmesh-ed25519-v1\n" + secret + "\n" + id + "\nmore\n")));
  }

  @Test
  void loadRejectsASecretThatNoLongerMatchesItsRecordedNodeId() throws IOException {
    Keypair k = Keypair.generate();
    byte[] damaged = k.secret();
    damaged[5] ^= 0x10; // still 32 bytes of valid base64: only the id line catches this
    Path file = writeOwnerOnly("flipped", "quicmesh-ed25519-v1\n" + Base64.getEncoder().encodeToString(damaged)
        + "\n" + k.nodeId().toHex() + "\n");
    IdentityFileException e = assertThrows(IdentityFileException.class, () -> Keypair.load(file));
    assertEquals(Problem.CORRUPT, e.problem());
    assertTrue(e.getMessage().contains(k.nodeId().toHex()), e.getMessage());
  }

  @Test
  void loadOfAMissingFileIsAnIoProblem() {
    assertEquals(Problem.IO, loadProblem(dir.resolve("absent.key")));
  }

  @Test
  void loadOrCreateCreatesOnlyWhenAbsentAndThenReturnsTheSameIdentity() throws IOException {
    Path file = dir.resolve("node.key");
    Keypair created = Keypair.loadOrCreate(file);
    assertTrue(Files.exists(file));
    assertEquals(created.nodeId(), Keypair.loadOrCreate(file).nodeId());
  }

  @Test
  void loadOrCreateDoesNotOverwriteAnExistingIdentity() throws IOException {
    Path file = dir.resolve("node.key");
    Keypair existing = Keypair.generate();
    existing.save(file);
    String before = Files.readString(file);
    assertEquals(existing.nodeId(), Keypair.loadOrCreate(file).nodeId());
    assertEquals(before, Files.readString(file));
  }

  @Test
  void loadOrCreateNeverReplacesABrokenFile() throws IOException {
    Path corrupt = writeOwnerOnly("corrupt.key", "quicmesh-ed25519-v1\ngarbage\n");
    assertThrows(IdentityFileException.class, () -> Keypair.loadOrCreate(corrupt));
    assertEquals("quicmesh-ed25519-v1\ngarbage\n", Files.readString(corrupt));

    Path open = dir.resolve("open.key");
    Keypair.generate().save(open);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    String before = Files.readString(open);
    IdentityFileException e = assertThrows(IdentityFileException.class, () -> Keypair.loadOrCreate(open));
    assertEquals(Problem.INSECURE_PERMISSIONS, e.problem());
    assertEquals(before, Files.readString(open));
    assertFalse(e.getMessage().isBlank());
  }
}
