package io.edgessl.internal.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small JSON reader and writer (RFC 8259), so that the core needs no JSON library.
 *
 * <p>Values map to Java as: object → {@code Map<String, Object>} (insertion-ordered), array →
 * {@code List<Object>}, string → {@code String}, number → {@code Long} when integral and in range,
 * else {@code Double}, {@code true}/{@code false} → {@code Boolean}, {@code null} → {@code null}.
 * Parsed maps and lists are unmodifiable.
 */
public final class Json {
  private static final int MAX_DEPTH = 256;

  private Json() {}

  /** Thrown for malformed JSON; the message gives the offset and what was expected. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;

    ParseException(String message, int offset) {
      super(message + " at offset " + offset);
      this.offset = offset;
    }

    /** Character offset of the error. */
    public int offset() {
      return offset;
    }
  }

  /** Parses one JSON value; trailing content other than whitespace is an error. */
  public static Object parse(String text) throws ParseException {
    Parser p = new Parser(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.i != text.length()) {
      throw new ParseException("unexpected content after the JSON value", p.i);
    }
    return v;
  }

  /** Writes a value compactly on one line (JSON-lines friendly). */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1, 0);
    return sb.toString();
  }

  /** Writes a value indented by two spaces. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 2, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent, int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      quote(sb, (String) v);
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON has no representation for " + d);
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        sb.append((long) d).append(".0");
      } else {
        sb.append(Double.toString(d).replace('E', 'e'));
      }
    } else if (v instanceof Number) {
      sb.append(((Number) v).longValue());
    } else if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, level + 1);
        quote(sb, String.valueOf(e.getKey()));
        sb.append(indent >= 0 ? ": " : ":");
        write(sb, e.getValue(), indent, level + 1);
      }
      if (!m.isEmpty()) {
        newline(sb, indent, level);
      }
      sb.append('}');
    } else if (v instanceof Iterable) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Iterable<?>) v) {
        if (!first) {
          sb.append(indent >= 0 ? ", " : ",");
        }
        first = false;
        write(sb, o, indent, level + 1);
      }
      sb.append(']');
    } else if (v instanceof double[]) {
      List<Object> l = new ArrayList<>();
      for (double d : (double[]) v) {
        l.add(d);
      }
      write(sb, l, indent, level);
    } else if (v instanceof long[]) {
      List<Object> l = new ArrayList<>();
      for (long d : (long[]) v) {
        l.add(d);
      }
      write(sb, l, indent, level);
    } else if (v instanceof int[]) {
      List<Object> l = new ArrayList<>();
      for (int d : (int[]) v) {
        l.add((long) d);
      }
      write(sb, l, indent, level);
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n');
      for (int i = 0; i < indent * level; i++) {
        sb.append(' ');
      }
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static final class Parser {
    final String s;
    int i;

    Parser(String s) {
      this.s = s;
    }

    void ws() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          i++;
        } else {
          break;
        }
      }
    }

    Object value(int depth) throws ParseException {
      if (depth > MAX_DEPTH) {
        throw new ParseException("nesting deeper than " + MAX_DEPTH, i);
      }
      if (i >= s.length()) {
        throw new ParseException("unexpected end of input", i);
      }
      char c = s.charAt(i);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", null);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw new ParseException("unexpected character '" + c + "'", i);
      }
    }

    Object literal(String word, Object v) throws ParseException {
      if (!s.startsWith(word, i)) {
        throw new ParseException("expected " + word, i);
      }
      i += word.length();
      return v;
    }

    Map<String, Object> object(int depth) throws ParseException {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      ws();
      if (i < s.length() && s.charAt(i) == '}') {
        i++;
        return Collections.unmodifiableMap(m);
      }
      while (true) {
        ws();
        if (i >= s.length() || s.charAt(i) != '"') {
          throw new ParseException("expected a string key", i);
        }
        int at = i;
        String key = string();
        ws();
        expect(':');
        ws();
        if (m.containsKey(key)) {
          throw new ParseException("duplicate key \"" + key + "\"", at);
        }
        m.put(key, value(depth + 1));
        ws();
        if (i < s.length() && s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect('}');
        return Collections.unmodifiableMap(m);
      }
    }

    List<Object> array(int depth) throws ParseException {
      i++;
      List<Object> l = new ArrayList<>();
      ws();
      if (i < s.length() && s.charAt(i) == ']') {
        i++;
        return Collections.unmodifiableList(l);
      }
      while (true) {
        ws();
        l.add(value(depth + 1));
        ws();
        if (i < s.length() && s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect(']');
        return Collections.unmodifiableList(l);
      }
    }

    void expect(char c) throws ParseException {
      if (i >= s.length() || s.charAt(i) != c) {
        throw new ParseException("expected '" + c + "'", i);
      }
      i++;
    }

    String string() throws ParseException {
      i++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw new ParseException("unterminated string", i);
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          throw new ParseException("control character in string", i - 1);
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw new ParseException("unterminated escape", i);
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            sb.append(e);
            break;
          case 'b':
            sb.append('\b');
            break;
          case 'f':
            sb.append('\f');
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 't':
            sb.append('\t');
            break;
          case 'u':
            if (i + 4 > s.length()) {
              throw new ParseException("short \\u escape", i);
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw new ParseException("bad \\u escape", i);
            }
            i += 4;
            break;
          default:
            throw new ParseException("bad escape \\" + e, i - 1);
        }
      }
    }

    Object number() throws ParseException {
      int start = i;
      if (s.charAt(i) == '-') {
        i++;
      }
      int digits = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == digits || (s.charAt(digits) == '0' && i - digits > 1)) {
        throw new ParseException("malformed number", start);
      }
      boolean integral = true;
      if (i < s.length() && s.charAt(i) == '.') {
        integral = false;
        i++;
        int f = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (i == f) {
          throw new ParseException("malformed number", start);
        }
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        integral = false;
        i++;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
          i++;
        }
        int e = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (i == e) {
          throw new ParseException("malformed number", start);
        }
      }
      String t = s.substring(start, i);
      if (integral) {
        try {
          return Long.parseLong(t);
        } catch (NumberFormatException ignored) {
          // too large for a long: fall through to double
        }
      }
      return Double.parseDouble(t);
    }
  }
}
