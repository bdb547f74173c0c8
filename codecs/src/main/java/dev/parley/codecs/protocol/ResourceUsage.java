package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** A node's load as it reports it in heartbeats; {@code gpuPercent} is null without a GPU. */
public record ResourceUsage(
    double cpuPercent, double memPercent, Double gpuPercent, int runningJobs) {

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("cpu_percent", cpuPercent).put("mem_percent", memPercent);
    Fields.putOpt(json, "gpu_percent", gpuPercent);
    return json.put("running_jobs", runningJobs);
  }

  public static ResourceUsage fromJson(JsonObject json) {
    return new ResourceUsage(
        Fields.num(json, "cpu_percent"),
        Fields.num(json, "mem_percent"),
        Fields.optNum(json, "gpu_percent", null),
        Fields.i32(json, "running_jobs"));
  }
}
