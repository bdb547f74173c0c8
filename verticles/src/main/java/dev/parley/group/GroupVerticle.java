package dev.parley.group;

import dev.parley.bus.Addresses;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Places each delivered result in its session's conversation group, and says the session's context text, which the
 * result verticle stores with the result for the next job_assign to pick up.
 */
public final class GroupVerticle extends VerticleBase {
  private final ParleyConfig.Group config;
  private final Map<String, GroupTracker> trackers = new HashMap<>();

  public GroupVerticle(ParleyConfig config) {
    this.config = config.group();
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>localConsumer(Addresses.GROUP, this::place).completion(),
        bus.<SessionRef>consumer(Addresses.SESSION_ENDED, m -> trackers.remove(m.body().sessionId())).completion());
  }

  private void place(Message<JsonObject> message) {
    JsonObject request = message.body();
    String sessionId = request.getString("session_id");
    GroupTracker tracker = trackers.computeIfAbsent(sessionId,
        id -> new GroupTracker(config.windowMs(), config.maxParts(), config.maxContextChars()));
    GroupTracker.Placement p = tracker.place(request.getString("text"), request.getLong("at_ms"));
    // the context text is stored with the delivered result, in the same store step
    message.reply(new JsonObject().put("group_id", "g" + p.groupId()).put("part_index", p.partIndex())
        .put("context_text", tracker.contextText()));
  }
}
