package dev.parley.engine;

/** An engine could not do its work for this input; the job goes on without this stage's output. */
public final class EngineException extends Exception {
  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
