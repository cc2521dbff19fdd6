package io.edgessl.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesEveryKindOfValue() throws Exception {
    Object v =
        Json.parse(
            " {\"a\": [1, -2.5, 3e2, true, false, null], \"s\": \"x\\\"y\\\\z\\n\\u00e9\", \"o\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1L, -2.5, 300.0, true, false), ((List<?>) m.get("a")).subList(0, 5));
    assertEquals(null, ((List<?>) m.get("a")).get(5));
    assertEquals("x\"y\\z\né", m.get("s"));
    assertEquals(Map.of(), m.get("o"));
  }

  @Test
  void writesWhatItParses() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "tab\there");
    m.put("n", 3);
    m.put("x", 0.25);
    m.put("whole", 2.0);
    m.put("list", List.of(1, "two"));
    m.put("arr", new long[] {4, 5});
    String s = Json.write(m);
    assertEquals(
        "{\"name\":\"tab\\there\",\"n\":3,\"x\":0.25,\"whole\":2.0,\"list\":[1,\"two\"],\"arr\":[4,5]}",
        s);
    Map<?, ?> back = (Map<?, ?>) Json.parse(Json.writePretty(m));
    assertEquals("tab\there", back.get("name"));
    assertEquals(2.0, back.get("whole"));
  }

  @Test
  void errorsGiveTheOffset() {
    Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\": }"));
    assertEquals("unexpected character '}' at offset 6", e.getMessage());
    assertThrows(Json.ParseException.class, () -> Json.parse("[1, 2"));
    assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1, \"a\":2}"));
    assertThrows(Json.ParseException.class, () -> Json.parse("01"));
    assertThrows(Json.ParseException.class, () -> Json.parse("[1] x"));
    assertThrows(Json.ParseException.class, () -> Json.parse("[".repeat(1000)));
    assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
  }
}
