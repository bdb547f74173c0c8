package dev.parley.node;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which attempt of each job the node holds. The scheduler sends a job again only with a higher {@code attempt_id}
 * (failover), so a repeated or older attempt is a duplicate frame and must not be processed again; a cancel or a
 * result counts only for the attempt held now. A turn moves as a whole: cancelling one of its jobs, or a new attempt
 * replacing one, releases every job of that turn, as the aggregator drops the whole turn.
 *
 * <p>The latest attempt of recently seen jobs is remembered after they are answered, so a late repeat is still
 * recognised; jobs no longer held are forgotten oldest first past {@link #REMEMBERED_JOBS}.
 */
final class AttemptLedger {
  static final int REMEMBERED_JOBS = 10_000;

  /** What a job_assign is, against what the node holds. */
  enum Assignment {
    /** A job the node has not seen: process it. */
    NEW,
    /** A higher attempt of a job whose earlier attempt the node still holds: drop that one's turn, process this. */
    SUPERSEDES,
    /** The attempt the node has seen already: ignore it. */
    REPEAT,
    /** An attempt older than one the node has seen: ignore it. */
    STALE
  }

  private static final class Entry {
    int attemptId;
    String turnKey;
    boolean held;
  }

  private final int capacity;
  private final Map<String, Entry> jobs = new LinkedHashMap<>();
  private int held;

  AttemptLedger() {
    this(REMEMBERED_JOBS);
  }

  AttemptLedger(int capacity) {
    this.capacity = capacity;
  }

  /** Records a job_assign of {@code jobId} for the turn {@code turnKey} and says whether to process it. */
  Assignment assign(String jobId, int attemptId, String turnKey) {
    Entry e = jobs.get(jobId);
    if (e != null && attemptId == e.attemptId) {
      return Assignment.REPEAT;
    }
    if (e != null && attemptId < e.attemptId) {
      return Assignment.STALE;
    }
    boolean supersedes = e != null && e.held;
    if (supersedes) {
      releaseTurn(e.turnKey);
    }
    if (e == null) {
      e = new Entry();
      jobs.put(jobId, e);
    }
    e.attemptId = attemptId;
    e.turnKey = turnKey;
    hold(e);
    forgetOldest();
    return supersedes ? Assignment.SUPERSEDES : Assignment.NEW;
  }

  /** The latest attempt seen of the job, held or not. */
  OptionalInt latestAttempt(String jobId) {
    Entry e = jobs.get(jobId);
    return e == null ? OptionalInt.empty() : OptionalInt.of(e.attemptId);
  }

  /**
   * A job_cancel: when it names the attempt held, releases every held job of its turn and returns true; a cancel
   * for another attempt, or for a job already answered, changes nothing.
   */
  boolean cancel(String jobId, int attemptId) {
    Entry e = jobs.get(jobId);
    if (!isHeld(e, attemptId)) {
      return false;
    }
    releaseTurn(e.turnKey);
    return true;
  }

  /** A result about to be sent: true, and the job released, only when it answers the attempt held. */
  boolean answer(String jobId, int attemptId) {
    Entry e = jobs.get(jobId);
    if (!isHeld(e, attemptId)) {
      return false;
    }
    release(e);
    return true;
  }

  /** The link closed: the scheduler has moved every job, so none is held; the attempts seen stay remembered. */
  void releaseAll() {
    jobs.values().forEach(e -> e.held = false);
    held = 0;
  }

  /** Jobs received and not yet answered or cancelled. */
  int heldCount() {
    return held;
  }

  private static boolean isHeld(Entry e, int attemptId) {
    return e != null && e.held && e.attemptId == attemptId;
  }

  private void releaseTurn(String turnKey) {
    for (Entry e : jobs.values()) {
      if (e.held && e.turnKey.equals(turnKey)) {
        release(e);
      }
    }
  }

  private void hold(Entry e) {
    if (!e.held) {
      e.held = true;
      held++;
    }
  }

  private void release(Entry e) {
    if (e.held) {
      e.held = false;
      held--;
    }
  }

  private void forgetOldest() {
    for (Iterator<Entry> it = jobs.values().iterator(); jobs.size() > capacity && it.hasNext(); ) {
      if (!it.next().held) {
        it.remove();
      }
    }
  }
}
