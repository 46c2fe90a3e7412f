package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Runs simulations for tests and parses what they write. */
final class Runs {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Runs() {}

  /** The lines written by {@code steps} steps of a simulation with {@code seed}. */
  static List<String> lines(long seed, int steps) {
    Simulation sim = Simulation.builder().seed(seed).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      lines.addAll(sim.step().lines());
    }
    return lines;
  }

  static List<JsonNode> parse(List<String> lines) {
    List<JsonNode> events = new ArrayList<>(lines.size());
    for (String line : lines) {
      events.add(parse(line));
    }
    return events;
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
