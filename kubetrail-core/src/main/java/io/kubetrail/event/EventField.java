package io.kubetrail.event;

/**
 * The field table: the fields of an audit Event that the decoder reads, by their JSON names, and
 * (nested) those of the objects inside it. {@link #OTHER} stands for every other name.
 */
enum EventField implements FieldNames.Named {
  KIND("kind"),
  API_VERSION("apiVersion"),
  LEVEL("level"),
  AUDIT_ID("auditID"),
  STAGE("stage"),
  REQUEST_URI("requestURI"),
  VERB("verb"),
  USER("user"),
  IMPERSONATED_USER("impersonatedUser"),
  SOURCE_IPS("sourceIPs"),
  USER_AGENT("userAgent"),
  OBJECT_REF("objectRef"),
  RESPONSE_STATUS("responseStatus"),
  REQUEST_RECEIVED("requestReceivedTimestamp"),
  STAGE_TIMESTAMP("stageTimestamp"),
  ANNOTATIONS("annotations"),
  /** v1beta1 and v1alpha1 only: the request-received time, second precision. */
  TIMESTAMP("timestamp"),
  /** v1beta1 and v1alpha1 only: ObjectMeta whose creationTimestamp is the stage time. */
  METADATA("metadata"),
  /** Not modelled, but named so that the guesses cover it. */
  REQUEST_OBJECT("requestObject"),
  /** Only the name of the object it holds is read. */
  RESPONSE_OBJECT("responseObject"),
  OTHER(null);

  private final String jsonName;

  EventField(String jsonName) {
    this.jsonName = jsonName;
  }

  @Override
  public String jsonName() {
    return jsonName;
  }

  /** The fields of a UserInfo ({@code user}, {@code impersonatedUser}). */
  enum User implements FieldNames.Named {
    USERNAME("username"),
    UID("uid"),
    GROUPS("groups"),
    EXTRA("extra"),
    OTHER(null);

    private final String jsonName;
    private final String userPath;
    private final String impersonatedPath;

    User(String jsonName) {
      this.jsonName = jsonName;
      this.userPath = "user." + jsonName;
      this.impersonatedPath = "impersonatedUser." + jsonName;
    }

    /**
     * The field's path in messages, in {@link EventField#USER} or {@link
     * EventField#IMPERSONATED_USER}.
     */
    String path(EventField parent) {
      return parent == EventField.IMPERSONATED_USER ? impersonatedPath : userPath;
    }

    @Override
    public String jsonName() {
      return jsonName;
    }
  }

  /** The fields of {@code objectRef}, in the order of {@link ObjectReference}'s components. */
  enum Ref implements FieldNames.Named {
    RESOURCE("resource"),
    NAMESPACE("namespace"),
    NAME("name"),
    UID("uid"),
    API_GROUP("apiGroup"),
    API_VERSION("apiVersion"),
    RESOURCE_VERSION("resourceVersion"),
    SUBRESOURCE("subresource"),
    OTHER(null);

    /** The named fields, whose ordinals index an array of their values. */
    static final int COUNT = OTHER.ordinal();

    private final String jsonName;

    /** The field's path in messages. */
    final String path;

    Ref(String jsonName) {
      this.jsonName = jsonName;
      this.path = jsonName == null ? "objectRef" : "objectRef." + jsonName;
    }

    @Override
    public String jsonName() {
      return jsonName;
    }
  }

  /** The fields of {@code responseStatus}: only the code is read, the others name the guesses. */
  enum Status implements FieldNames.Named {
    CODE("code"),
    METADATA("metadata"),
    STATUS("status"),
    MESSAGE("message"),
    REASON("reason"),
    DETAILS("details"),
    OTHER(null);

    private final String jsonName;

    Status(String jsonName) {
      this.jsonName = jsonName;
    }

    @Override
    public String jsonName() {
      return jsonName;
    }
  }

  /** The fields of a v1beta1 or v1alpha1 event's {@code metadata}. */
  enum Metadata implements FieldNames.Named {
    CREATION_TIMESTAMP("creationTimestamp"),
    OTHER(null);

    private final String jsonName;

    Metadata(String jsonName) {
      this.jsonName = jsonName;
    }

    @Override
    public String jsonName() {
      return jsonName;
    }
  }
}
