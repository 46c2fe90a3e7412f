package io.kubetrail.event.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubetrail.event.format.ExportRecords.ConversionException;
import java.util.Locale;
import java.util.Set;

/**
 * An AKS diagnostic record as the audit Event it carries: {@code properties.log} holds the Event
 * kube-apiserver wrote, as a JSON string (taken byte for byte) or as an object. Nothing is lost.
 */
final class AksRecords {
  static final Set<String> AUDIT_CATEGORIES = Set.of("kube-audit", "kube-audit-admin");

  private AksRecords() {}

  static byte[] toEvent(JsonNode record, ObjectMapper json) throws ConversionException {
    String category = record.path("category").asText("");
    if (!AUDIT_CATEGORIES.contains(category.toLowerCase(Locale.ROOT))) {
      throw new ConversionException(
          "category: '"
              + category
              + "' holds no audit events (kube-audit and kube-audit-admin do); choose those"
              + " categories in the cluster's diagnostic settings");
    }
    JsonNode properties = record.get("properties");
    if (properties.isTextual()) {
      // Some exports keep properties as a JSON string of its own.
      try {
        properties = json.readTree(properties.asText());
      } catch (JsonProcessingException e) {
        throw new ConversionException("properties: not valid JSON: " + e.getOriginalMessage());
      }
    }
    JsonNode log = properties.get("log");
    if (log == null || log.isNull()) {
      throw new ConversionException("properties.log: required field is missing");
    }
    if (log.isTextual()) {
      return ExportRecords.utf8(log.asText());
    }
    if (log.isObject()) {
      try {
        return json.writeValueAsBytes(log);
      } catch (JsonProcessingException e) {
        throw new ConversionException("properties.log: " + e.getOriginalMessage());
      }
    }
    throw new ConversionException(
        "properties.log: expected the audit Event as a JSON string or object, got "
            + ExportRecords.kindOf(log));
  }
}
