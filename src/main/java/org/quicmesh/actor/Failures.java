package org.quicmesh.actor;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns failures from stages and futures into the one-line reasons users see. */
public final class Failures {
  private Failures() {}

  /** The innermost meaningful message of a failure, unwrapping completion and execution wrappers. */
  public static String message(Throwable failure) {
    Throwable t = cause(failure);
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** The failure inside completion and execution wrappers (null for null). */
  public static Throwable cause(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
