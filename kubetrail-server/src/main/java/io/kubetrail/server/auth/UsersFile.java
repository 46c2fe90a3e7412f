package io.kubetrail.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code users.yaml}: the callers of a server and their hashed tokens.
 *
 * <pre>
 * users:
 *   - name: alice
 *     role: admin                  # admin | auditor | viewer
 *     tokenHash: sha256:9f86d0…    # kubetrail serve hash-token prints it
 *   - name: payments-team
 *     role: viewer
 *     namespaces: [payments]
 *     tokenHash: sha256:…
 * </pre>
 */
public final class UsersFile implements Authenticator {
  private record User(Caller caller, String tokenHash) {}

  private final List<User> users;

  private UsersFile(List<User> users) {
    this.users = List.copyOf(users);
  }

  /**
   * Reads a users file.
   *
   * @throws IllegalArgumentException naming the file and the field path of what is wrong
   */
  public static UsersFile load(Path file) throws IOException {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      if (e instanceof java.nio.file.NoSuchFileException) {
        throw new IllegalArgumentException(file + ": no such file");
      }
      throw new IllegalArgumentException(file + ": not YAML: " + e.getMessage());
    }
    if (root == null || !root.path("users").isArray()) {
      throw new IllegalArgumentException(file + ": users: expected a list of users");
    }
    List<User> users = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < root.get("users").size(); i++) {
      JsonNode u = root.get("users").get(i);
      String at = file + ": users[" + i + "]";
      String name = text(u, "name", at);
      Role role =
          Role.byId(text(u, "role", at))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          at
                              + ".role: expected admin, auditor or viewer, got '"
                              + u.path("role").asText()
                              + "'"));
      String hash = text(u, "tokenHash", at);
      if (!TokenHash.isHash(hash)) {
        throw new IllegalArgumentException(
            at
                + ".tokenHash: expected sha256:<64 hex digits> (kubetrail serve hash-token makes"
                + " it), never the token itself");
      }
      Set<String> namespaces = new LinkedHashSet<>();
      JsonNode ns = u.path("namespaces");
      if (!ns.isMissingNode()) {
        if (!ns.isArray()) {
          throw new IllegalArgumentException(at + ".namespaces: expected a list of names");
        }
        for (Iterator<JsonNode> it = ns.elements(); it.hasNext(); ) {
          JsonNode n = it.next();
          if (!n.isTextual() || n.asText().isEmpty()) {
            throw new IllegalArgumentException(at + ".namespaces: expected names, got " + n);
          }
          namespaces.add(n.asText());
        }
      }
      if (role != Role.VIEWER && !namespaces.isEmpty()) {
        throw new IllegalArgumentException(
            at
                + ".namespaces: only a viewer is limited to namespaces; a "
                + role.id()
                + " reads all");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(at + ".name: " + name + " is listed twice");
      }
      if (!hashes.add(hash)) {
        throw new IllegalArgumentException(at + ".tokenHash: another user has the same token");
      }
      users.add(new User(Caller.of(name, role, namespaces), hash));
    }
    return new UsersFile(users);
  }

  private static String text(JsonNode node, String field, String at) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(at + "." + field + ": expected a non-empty string");
    }
    return v.asText();
  }

  @Override
  public Optional<Caller> authenticate(String token) {
    Optional<Caller> found = Optional.empty();
    // Every hash is compared, so the time taken does not tell which user came close.
    for (User u : users) {
      if (TokenHash.matches(token, u.tokenHash())) {
        found = Optional.of(u.caller());
      }
    }
    return found;
  }
}
