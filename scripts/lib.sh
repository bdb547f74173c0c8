# Shared by the scripts: install what Parley needs when it is missing (Debian packages; needs root or sudo).

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Java 17+ and Maven.
ensure_build_tools() {
  if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
    apt_install openjdk-17-jdk-headless
  fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

# Builds the fat jar when it is missing or older than the sources.
ensure_jar() {
  local jar=verticles/target/parley.jar
  if [ ! -f "$jar" ] || [ -n "$(find codecs verticles conf pom.xml -newer "$jar" -type f \
      -not -path '*/target/*' -print -quit)" ]; then
    ensure_build_tools
    mvn -B -ntp -q install -DskipTests
  fi
}

# True when Parley's /health answers on the port (bash's /dev/tcp: no HTTP client needed).
parley_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    reply="$(timeout 2 cat <&3)"
    [[ "$reply" == *'"status":"UP"'* ]]
  ) 2>/dev/null
}

# The command that runs parley.jar, with the JVM settings it is measured with: "${PARLEY_JAVA[@]}" all
PARLEY_JAVA=(java --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  -XX:+UseParallelGC -jar verticles/target/parley.jar)
