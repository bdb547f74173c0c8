package dev.parley.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/** Every event-bus address of Parley, and what travels on it. */
public final class Addresses {
  private Addresses() {}

  /**
   * Options for every send to an address whose consumers are local ({@code localConsumer}). A clustered event bus
   * keeps no record of an address with no cluster-wide consumer, so without these it would ask the cluster manager
   * (a Hazelcast lookup) for the address's consumers on every send.
   */
  public static DeliveryOptions local() {
    return new DeliveryOptions().setLocalOnly(true);
  }

  /** {@code NewJob}: a job the cutter made, to be placed. */
  public static final String DISPATCH = "parley.dispatch";
  /** {@code TurnRef}: a turn whose jobs went back to placement after a failover. */
  public static final String DISPATCH_TURN = "parley.dispatch.turn";
  /** {@code TurnRef}: a turn ended and freed its slot on {@code nodeId}; queued jobs may go there now. */
  public static final String DISPATCH_FREED = "parley.dispatch.freed";
  /**
   * {@code TurnRef}: a turn that will get no more jobs though its closing cut was never made (the session's lease
   * moved before its socket here closed); it is closed as it is.
   */
  public static final String DISPATCH_CLOSE = "parley.dispatch.close";
  /** {@code NodeRef}, published: a node registered, changed status or left; placement reads the registry again. */
  public static final String REGISTRY_CHANGED = "parley.registry.changed";

  /** {@code TurnRef}: move a turn off its node (a node error or a failed send). */
  public static final String TIMEOUT_FAILOVER = "parley.timeout.failover";
  /** {@code NodeRef}: a node's socket closed or its heartbeats stopped. */
  public static final String NODE_LOST = "parley.timeout.node-lost";
  /** JSON {@code kind}, {@code id}, {@code generation}: a due deadline, for the owner of its session to act on. */
  public static final String TIMEOUT_FIRE = "parley.timeout.fire";
  /** String, the instance id, published locally: a cluster member left; its nodes are lost and its sessions need an owner. */
  public static final String MEMBER_LOST = "parley.cluster.member-lost";
  /** {@code SessionRef}: the session aborted; cancel its unfinished jobs. */
  public static final String SESSION_ABORT = "parley.timeout.abort";

  /** {@code JobAck}, {@code JobStarted} or {@code JobResult} from a node; fails with an error code when refused. */
  public static final String RESULT = "parley.result";
  /** {@code Settled}: a result the store accepted, for the session's owner to order and deliver. */
  public static final String RESULT_SETTLED = "parley.result.settled";
  /**
   * JSON {@code session_id}, {@code previous_owner}, {@code next_delivery}: a session started or resumed here, whose
   * outcomes this instance delivers from now on.
   */
  public static final String RESULT_OPEN = "parley.result.open";
  /**
   * JSON {@code session_id}, {@code to}, {@code next}, at the previous owner's twin: hand the session's stream over;
   * replies with {@code empties}, the indexes from {@code next} on that its stream released as empty.
   */
  public static final String RESULT_HANDOVER = "parley.result.handover";
  /** {@code JobOutcome}: a job that ended without a result for the browser. */
  public static final String RESULT_MISSING = "parley.result.missing";
  /** {@code SessionRef}: replies once every outcome below the index has been delivered. */
  public static final String RESULT_DRAIN = "parley.result.drain";
  /** {@code SessionRef}, published: the session ended; drop what is kept for it. */
  public static final String SESSION_ENDED = "parley.session.ended";

  /**
   * JSON {@code session_id}, {@code text}, {@code at_ms}: place a delivered result in a group; replies with {@code
   * group_id}, {@code part_index} and the session's {@code context_text}.
   */
  public static final String GROUP = "parley.group";

  /** On a worker node, {@code JobAssign}: a job its link received, for the aggregator. */
  public static final String NODE_JOB = "parley.worker.job";
  /** On a worker node, {@code JobCancel}: drop the job's turn and its work. */
  public static final String NODE_CANCEL = "parley.worker.cancel";
  /** On a worker node, {@code JobResult}: an answer for the link to write. */
  public static final String NODE_RESULT = "parley.worker.result";
  /** On a worker node, {@code NodeControl}, published: the link reconnected (drop every turn) or must drain. */
  public static final String NODE_CONTROL = "parley.worker.control";

  /**
   * The cluster-visible twin of a local address on one instance: what another member sends there is handled as if
   * it arrived on {@code address} at that instance. Replies once taken.
   */
  public static String at(String instanceId, String address) {
    return address + "@" + instanceId;
  }

  /** Frames for one node connection: {@code JobAssign}, {@code JobCancel}, {@code NodeControl}; replies once written. */
  public static String node(String nodeId, String connId) {
    return "parley.node." + nodeId + "." + connId;
  }

  /**
   * Encoded frames (String) for a session's socket; local, as the socket is on its session's owner, which alone sends
   * them. A cluster-wide address would let a member that died keep a registration for a while, taking frames meant
   * for the socket the browser resumed on.
   */
  /** JSON, published cluster-wide every few seconds by each instance: what it holds and how fast it serves. */
  public static final String ADMIN_REPORTS = "parley.admin.reports";
  /** Request, local: the cluster's state for the admin page, as JSON. */
  public static final String ADMIN_STATE = "parley.admin.state";

  public static String session(String sessionId) {
    return "parley.session." + sessionId;
  }
}
