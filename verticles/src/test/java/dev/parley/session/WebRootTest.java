package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebRootTest {
  private static final WebRoot CLIENT = WebRoot.load(WebRootTest.class.getClassLoader());

  @Test
  void theIndexPageAndTheClientsModulesWithTheirContentTypes() {
    assertThat(CLIENT.find("/").contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(CLIENT.find("/").body().toString()).contains("<script type=\"module\" src=\"app.js\">");
    assertThat(CLIENT.find("/index.html")).isSameAs(CLIENT.find("/"));
    assertThat(CLIENT.find("/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(CLIENT.find("/capture-worklet.js").body().toString()).contains("registerProcessor");
    assertThat(CLIENT.find("/style.css").contentType()).isEqualTo("text/css; charset=utf-8");
    assertThat(CLIENT.find("/app.js").etag()).isNotEqualTo(CLIENT.find("/style.css").etag()).startsWith("\"");
  }

  @Test
  void onlyTheFolderItselfIsReachable() {
    for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/..%2fpom.xml", "//etc/passwd",
        "/webroot/index.html", "/./index.html", "/index.html/", "/INDEX.HTML", "/index.html%00", "index.html",
        "", null, "/dev/parley/session/WebRoot.class", "/parley.json", "/nope.js"}) {
      assertThat(CLIENT.find(path)).as(path).isNull();
    }
  }

  @Test
  void readsTheFolderFromAJarAndSkipsFilesOfUnknownTypes(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("client.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      put(out, "webroot/index.html", "<!doctype html>");
      put(out, "webroot/lib/audio.js", "export {};");
      put(out, "webroot/notes.md", "not served");
      put(out, "secret.json", "{}");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      WebRoot root = WebRoot.load(loader);
      assertThat(root.size()).isEqualTo(2);
      assertThat(root.find("/").body().toString()).isEqualTo("<!doctype html>");
      assertThat(root.find("/lib/audio.js").contentType()).startsWith("text/javascript");
      assertThat(root.find("/notes.md")).isNull();
      assertThat(root.find("/../secret.json")).isNull();
    }
  }

  @Test
  void noFolderNoFiles() throws IOException {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThat(WebRoot.load(empty).find("/")).isNull();
    }
  }

  private static void put(JarOutputStream out, String name, String text) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
