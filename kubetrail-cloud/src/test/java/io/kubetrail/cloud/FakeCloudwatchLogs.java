package io.kubetrail.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small CloudWatch Logs on 127.0.0.1 for tests and benchmarks, speaking the AWS JSON 1.1 protocol
 * the SDK speaks: {@code DescribeLogStreams} (50 streams a page at most), {@code GetLogEvents}
 * (forward tokens, {@code startTime}, at most {@link #pageEvents} events or 1 MB a page) and {@code
 * FilterLogEvents}, with {@code nextToken} paging. It can throttle a share of calls ({@code
 * ThrottlingException}) with a seeded random, and expire every token handed out so far. Requests
 * are not authenticated.
 */
public final class FakeCloudwatchLogs implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGE_BYTES = 1 << 20;

  /** One log event as stored. */
  record Event(long timestamp, long ingestionTime, String message, long id) {}

  static {
    // Headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms a call.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final String group;
  private final Map<String, List<Event>> streams = new TreeMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong throttledCalls = new AtomicLong();
  private final Random random;
  private volatile double throttleShare;
  private volatile int throttleNext;
  private volatile int pageEvents = 10_000;
  private long tokenGeneration;
  private long nextId;

  private FakeCloudwatchLogs(String group, long seed) throws IOException {
    this.group = group;
    this.random = new Random(seed);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server holding one log group. */
  public static FakeCloudwatchLogs start(String group, long seed) throws IOException {
    return new FakeCloudwatchLogs(group, seed);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Appends events to a stream (created when new), each with the given timestamp. */
  public synchronized void put(String stream, long timestamp, List<String> messages) {
    List<Event> events = streams.computeIfAbsent(stream, s -> new ArrayList<>());
    for (String m : messages) {
      events.add(new Event(timestamp, System.currentTimeMillis(), m, nextId++));
    }
  }

  public synchronized long size() {
    return streams.values().stream().mapToLong(List::size).sum();
  }

  /** Throttles this share of calls from now on, chosen with the seeded random. */
  public void throttle(double share) {
    this.throttleShare = share;
  }

  /** Throttles the next {@code count} calls. */
  public void throttleNext(int count) {
    this.throttleNext = count;
  }

  /** The most events one GetLogEvents page holds (CloudWatch's is 10,000). */
  public void pageEvents(int events) {
    this.pageEvents = events;
  }

  /** Makes every token handed out so far invalid, as CloudWatch's expire after 24 hours. */
  public synchronized void expireTokens() {
    tokenGeneration++;
  }

  public long calls() {
    return calls.get();
  }

  public long throttledCalls() {
    return throttledCalls.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
      if (throttled()) {
        throttledCalls.incrementAndGet();
        error(exchange, 400, "ThrottlingException", "Rate exceeded");
        return;
      }
      String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
      if (!group.equals(request.path("logGroupName").asText())) {
        error(
            exchange, 400, "ResourceNotFoundException", "The specified log group does not exist.");
        return;
      }
      ObjectNode response;
      synchronized (this) {
        response =
            switch (action) {
              case "DescribeLogStreams" -> describe(request);
              case "GetLogEvents" -> getEvents(request);
              case "FilterLogEvents" -> filter(request);
              default -> null;
            };
      }
      if (response == null) {
        error(exchange, 400, "UnknownOperationException", "unknown operation " + target);
      } else if (response.has("__type")) {
        error(exchange, 400, response.get("__type").asText(), response.get("message").asText());
      } else {
        send(exchange, 200, response);
      }
    }
  }

  private synchronized boolean throttled() {
    if (throttleNext > 0) {
      throttleNext--;
      return true;
    }
    return throttleShare > 0 && random.nextDouble() < throttleShare;
  }

  private ObjectNode describe(JsonNode request) {
    String prefix = request.path("logStreamNamePrefix").asText("");
    int limit = Math.min(50, request.path("limit").asInt(50));
    int from =
        request.hasNonNull("nextToken") ? Integer.parseInt(request.get("nextToken").asText()) : 0;
    List<String> names = streams.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    ObjectNode response = JSON.createObjectNode();
    ArrayNode list = response.putArray("logStreams");
    for (int i = from; i < Math.min(names.size(), from + limit); i++) {
      List<Event> events = streams.get(names.get(i));
      ObjectNode s = list.addObject();
      s.put("logStreamName", names.get(i));
      s.put("creationTime", events.isEmpty() ? 0 : events.get(0).ingestionTime());
      s.put(
          "arn",
          "arn:aws:logs:us-west-2:000000000000:log-group:" + group + ":log-stream:" + names.get(i));
    }
    if (from + limit < names.size()) {
      response.put("nextToken", Integer.toString(from + limit));
    }
    return response;
  }

  private ObjectNode getEvents(JsonNode request) {
    String name = request.path("logStreamName").asText();
    List<Event> events = streams.get(name);
    if (events == null) {
      return error("ResourceNotFoundException", "The specified log stream does not exist.");
    }
    int from;
    if (request.hasNonNull("nextToken")) {
      String[] token = request.get("nextToken").asText().split("/");
      if (token.length != 3
          || !token[0].equals("f")
          || Long.parseLong(token[1]) != tokenGeneration) {
        return error("InvalidParameterException", "The specified nextToken is invalid.");
      }
      from = Integer.parseInt(token[2]);
    } else {
      long start = request.path("startTime").asLong(Long.MIN_VALUE);
      from = 0;
      while (from < events.size() && events.get(from).timestamp() < start) {
        from++;
      }
    }
    int limit = Math.min(pageEvents, request.path("limit").asInt(10_000));
    ObjectNode response = JSON.createObjectNode();
    ArrayNode list = response.putArray("events");
    int to = from;
    long bytes = 0;
    while (to < events.size() && to - from < limit) {
      Event e = events.get(to);
      bytes += e.message().length() + 26;
      if (bytes > MAX_PAGE_BYTES && to > from) {
        break;
      }
      ObjectNode o = list.addObject();
      o.put("timestamp", e.timestamp());
      o.put("message", e.message());
      o.put("ingestionTime", e.ingestionTime());
      to++;
    }
    response.put("nextForwardToken", "f/" + tokenGeneration + "/" + to);
    response.put("nextBackwardToken", "b/" + tokenGeneration + "/" + from);
    return response;
  }

  private ObjectNode filter(JsonNode request) {
    String prefix = request.path("logStreamNamePrefix").asText("");
    List<String> only = new ArrayList<>();
    request.path("logStreamNames").forEach(n -> only.add(n.asText()));
    long start = request.path("startTime").asLong(Long.MIN_VALUE);
    long end = request.path("endTime").asLong(Long.MAX_VALUE);
    List<Map.Entry<String, Event>> matching = new ArrayList<>();
    streams.forEach(
        (name, events) -> {
          if ((only.isEmpty() ? name.startsWith(prefix) : only.contains(name))) {
            for (Event e : events) {
              if (e.timestamp() >= start && e.timestamp() <= end) {
                matching.add(Map.entry(name, e));
              }
            }
          }
        });
    matching.sort(
        Comparator.comparingLong((Map.Entry<String, Event> e) -> e.getValue().timestamp())
            .thenComparingLong(e -> e.getValue().id()));
    int from =
        request.hasNonNull("nextToken") ? Integer.parseInt(request.get("nextToken").asText()) : 0;
    int limit = Math.min(pageEvents, request.path("limit").asInt(10_000));
    ObjectNode response = JSON.createObjectNode();
    ArrayNode list = response.putArray("events");
    int to = Math.min(matching.size(), from + limit);
    for (int i = from; i < to; i++) {
      Event e = matching.get(i).getValue();
      ObjectNode o = list.addObject();
      o.put("logStreamName", matching.get(i).getKey());
      o.put("timestamp", e.timestamp());
      o.put("message", e.message());
      o.put("ingestionTime", e.ingestionTime());
      o.put("eventId", Long.toString(e.id()));
    }
    if (to < matching.size()) {
      response.put("nextToken", Integer.toString(to));
    }
    return response;
  }

  private static ObjectNode error(String type, String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("__type", type);
    e.put("message", message);
    return e;
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    send(exchange, status, error(type, message));
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", "fake-" + System.nanoTime());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** The messages of a stream, for checks. */
  public synchronized List<String> messages(String stream) {
    return streams.getOrDefault(stream, List.of()).stream().map(Event::message).toList();
  }
}
