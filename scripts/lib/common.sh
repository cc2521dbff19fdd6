# Shared by ./edgessl, scripts/demo and scripts/test. Sourced, not run.
# Finds a JDK >= 22 and exports JAVA_HOME; installs Debian packages the project needs.

EDGESSL_MIN_JDK=22

# Prints the feature version (17, 22, 25, ...) of the JDK at $1, or nothing.
edgessl_jdk_version() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  [ "$v" = "1" ] && v=8
  echo "$v"
}

# Exports JAVA_HOME pointing at a JDK >= 22: JAVA_HOME itself if it is one, else the newest
# JDK >= 22 in the usual install locations or on the PATH. Fails with one line if there is none.
edgessl_find_jdk() {
  local best="" best_v=0 seen="" checked="" cand v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(edgessl_jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$EDGESSL_MIN_JDK" ]; then
      export JAVA_HOME
      return 0
    fi
    seen="JAVA_HOME=$JAVA_HOME (${v:-not a JDK})"
  fi
  local path_java
  path_java=$(command -v javac 2>/dev/null || true)
  [ -n "$path_java" ] && path_java=$(dirname "$(dirname "$(readlink -f "$path_java")")")
  for cand in /usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
              "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
              /Library/Java/JavaVirtualMachines/*/Contents/Home $path_java; do
    [ -d "$cand" ] || continue
    cand=$(readlink -f "$cand")
    case " $checked " in *" $cand "*) continue ;; esac
    checked="$checked $cand"
    v=$(edgessl_jdk_version "$cand")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$EDGESSL_MIN_JDK" ] && [ "$v" -gt "$best_v" ]; then
      best=$cand best_v=$v
    elif [ "$v" -lt "$EDGESSL_MIN_JDK" ]; then
      seen="${seen:+$seen, }JDK $v at $cand"
    fi
  done
  if [ -z "$best" ]; then
    echo "edgessl: needs a JDK $EDGESSL_MIN_JDK or newer and found none${seen:+ (only $seen)}; install one (e.g. Temurin 25 from adoptium.net) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME=$best
}

# Options for Maven's own JVM: Maven 3.9's Guice calls sun.misc.Unsafe, which JDK 24+ warns about
# on every run; JDK 23 added the flag that allows it quietly (older JDKs reject the flag).
edgessl_maven_opts() {
  local v
  v=$(edgessl_jdk_version "$JAVA_HOME")
  if [ -n "$v" ] && [ "$v" -ge 23 ]; then
    case " ${MAVEN_OPTS:-} " in
      *sun-misc-unsafe-memory-access*) ;;
      *) export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}" ;;
    esac
  fi
}

# Installs the named Debian packages that are missing, with sudo when not root.
edgessl_apt_install() {
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "edgessl: please install these packages with your package manager:$missing" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
      echo "edgessl: needs these Debian packages and cannot install them without root:$missing" >&2
      return 1
    fi
  fi
  echo "edgessl: installing Debian packages:$missing" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null; } \
    || { echo "edgessl: apt-get could not install:$missing" >&2; return 1; }
}
