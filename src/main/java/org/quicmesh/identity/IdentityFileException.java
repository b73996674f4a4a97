package org.quicmesh.identity;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An identity file could not be used. The file is never replaced or regenerated because of this: losing a node's
 * secret changes its NodeId, so the operator must decide.
 */
public final class IdentityFileException extends IOException {
  /** What is wrong, for callers that react differently (and for tests). */
  public enum Problem {
    /** The file is accessible by group or others (or the file system cannot restrict it). */
    INSECURE_PERMISSIONS,
    /** Not a quicmesh identity file, or an unsupported version. */
    WRONG_FORMAT,
    /** A quicmesh identity file whose content is damaged (bad base64, wrong length, id mismatch). */
    CORRUPT,
    /** {@code save} would overwrite an existing file. */
    ALREADY_EXISTS,
    /** The file system failed (missing file, no access, disk full). */
    IO
  }

  private final Path path;
  private final Problem problem;

  public IdentityFileException(Path path, Problem problem, String message) {
    this(path, problem, message, null);
  }

  public IdentityFileException(Path path, Problem problem, String message, Throwable cause) {
    super("identity file " + path + ": " + message, cause);
    this.path = path;
    this.problem = problem;
  }

  public Path path() {
    return path;
  }

  public Problem problem() {
    return problem;
  }
}
