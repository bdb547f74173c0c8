package dev.parley.codecs.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Carries an immutable record on the event bus: by reference inside one instance (no copy, since the record cannot
 * change), as JSON between cluster members.
 */
public final class BusCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<T, JsonObject> encoder;
  private final Function<JsonObject, T> decoder;

  public BusCodec(String name, Function<T, JsonObject> encoder, Function<JsonObject, T> decoder) {
    this.name = name;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  @Override
  public void encodeToWire(Buffer buffer, T body) {
    Buffer json = encoder.apply(body).toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return decoder.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T body) {
    return body;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
