package dev.parley.codecs.bus;

import dev.parley.codecs.protocol.JobAck;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.JobResult;
import dev.parley.codecs.protocol.JobStarted;
import dev.parley.codecs.protocol.NodeControl;
import io.vertx.core.eventbus.EventBus;
import java.util.function.Function;

/** Registers the codec of every record that travels on the event bus. Once per Vert.x instance, on every member. */
public final class BusCodecs {
  private BusCodecs() {}

  public static void register(EventBus bus) {
    add(bus, NewJob.class, NewJob::toJson, NewJob::fromJson);
    add(bus, TurnRef.class, TurnRef::toJson, TurnRef::fromJson);
    add(bus, NodeRef.class, NodeRef::toJson, NodeRef::fromJson);
    add(bus, JobOutcome.class, JobOutcome::toJson, JobOutcome::fromJson);
    add(bus, SessionRef.class, SessionRef::toJson, SessionRef::fromJson);
    add(bus, Settled.class, Settled::toJson, Settled::fromJson);
    add(bus, JobAssign.class, JobAssign::toJson, JobAssign::fromJson);
    add(bus, JobCancel.class, JobCancel::toJson, JobCancel::fromJson);
    add(bus, NodeControl.class, NodeControl::toJson, NodeControl::fromJson);
    add(bus, JobAck.class, JobAck::toJson, JobAck::fromJson);
    add(bus, JobStarted.class, JobStarted::toJson, JobStarted::fromJson);
    add(bus, JobResult.class, JobResult::toJson, JobResult::fromJson);
  }

  private static <T> void add(EventBus bus, Class<T> type, Function<T, io.vertx.core.json.JsonObject> enc,
      Function<io.vertx.core.json.JsonObject, T> dec) {
    bus.registerDefaultCodec(type, new BusCodec<>("parley." + type.getSimpleName(), enc, dec));
  }
}
