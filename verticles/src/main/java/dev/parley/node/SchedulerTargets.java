package dev.parley.node;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedulers a node may register with, from {@code node.scheduler}: one {@code ws://} or {@code wss://} URL or a
 * comma-separated list of them. The node connects to the current one; after a failed or closed connection it moves to
 * the next, round robin, so a scheduler instance that went away is not retried before the others.
 */
final class SchedulerTargets {
  private final List<URI> urls;
  private int current;

  private SchedulerTargets(List<URI> urls) {
    this.urls = urls;
  }

  /** Parses the list; blanks around and between the URLs are ignored. */
  static SchedulerTargets parse(String list) {
    List<URI> urls = new ArrayList<>();
    for (String part : (list == null ? "" : list).split(",")) {
      String url = part.trim();
      if (!url.isEmpty()) {
        urls.add(checked(url));
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("node.scheduler names no scheduler URL");
    }
    return new SchedulerTargets(List.copyOf(urls));
  }

  private static URI checked(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node.scheduler: not a URL: " + url, e);
    }
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("node.scheduler: expected ws://host:port/ws/node, got " + url);
    }
    return uri;
  }

  /** Where the next connection goes. */
  URI current() {
    return urls.get(current);
  }

  /** Moves to the next URL in the list (the same one when there is only one) and returns it. */
  URI advance() {
    current = (current + 1) % urls.size();
    return current();
  }

  List<URI> all() {
    return urls;
  }

  static boolean secure(URI uri) {
    return "wss".equals(uri.getScheme());
  }

  static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : secure(uri) ? 443 : 80;
  }

  /** The request path, {@code /ws/node} when the URL has none. */
  static String path(URI uri) {
    String path = uri.getRawPath();
    return path == null || path.isEmpty() ? "/ws/node" : path;
  }
}
