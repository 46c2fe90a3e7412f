package io.kubetrail.history.netpol;

import io.kubetrail.history.BodyLayout;
import io.kubetrail.history.BodyReading;
import io.kubetrail.history.ClusterState;
import io.kubetrail.history.IntervalWalker;
import io.kubetrail.history.LabelSelector;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.history.ResourceType;
import io.kubetrail.history.netpol.CalicoPolicyReader.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The exposure of every in-scope pod over an interval, folded as the interval is walked: every pod
 * is evaluated once at the start, and after each change only the pods it can affect, so that a
 * month of changes costs about one evaluation per change to a pod, a policy or a namespace.
 *
 * <p>What a change can affect: a pod's own labels or service account, that pod; a policy, the pods
 * of its namespace its old or new podSelector selects; a namespace's labels (or its coming and
 * going), the pods in it (the scope's namespace selector; whether its own namespace is known) and
 * the pods selected by policies with a labelled namespaceSelector, which depend on every
 * namespace's labels; an Endpoints or EndpointSlice, the Services of the pods it points at. A pod
 * not affected keeps the flags it had, so folding it again would change nothing. A change that
 * changes none of these (a pod's status, a policy's annotations) evaluates nothing. Calico's
 * policies: the pods the old or new policy applies to (every namespace's, for a global one); a
 * Tier, the pods its policies apply to; a namespace's labels, when some Calico policy reads them,
 * the pods of that namespace and those of the policies that read them. Pods alike (same namespace,
 * labels and service account) share one evaluation until a policy, namespace or tier changes.
 */
final class IntervalEvaluation implements IntervalWalker<NetworkPolicyException> {
  /** The resources whose changes can move a flag or a Service, by {@code objectRef.resource}. */
  static final Set<String> RESOURCES =
      Set.of(
          "pods",
          "namespaces",
          "networkpolicies",
          "globalnetworkpolicies",
          "tiers",
          "endpoints",
          "endpointslices");

  private static final ResourceType PODS = PolicyReader.PODS;
  private static final ResourceType POLICIES = PolicyReader.NETWORK_POLICIES;
  private static final ResourceType ENDPOINTS = new ResourceType("", "endpoints");
  private static final ResourceType SLICES = new ResourceType("discovery.k8s.io", "endpointslices");
  private static final ResourceType ACCOUNTS = new ResourceType("", "serviceaccounts");

  private final EndpointScope scope;
  private final Map<String, Map<String, String>> namespaces = new HashMap<>();
  private final Evaluator evaluator = new Evaluator(namespaces);
  private final Map<String, LivePod> pods = new HashMap<>();
  private final Map<String, Set<String>> podsOfNamespace = new HashMap<>();
  private final Map<String, Map<String, Policy>> policies = new HashMap<>();

  /** Calico's policies by namespace ({@code ""} for global ones), and its tiers. */
  private final Map<String, Map<ResourceKey, CalicoPolicy>> calico = new HashMap<>();

  private final Map<String, Tier> tiers = new HashMap<>();

  /**
   * By namespace, the policies with a labelled namespaceSelector peer, each with those selectors
   * (worked out once per policy, not at each namespace's change).
   */
  private final Map<String, Map<String, List<LabelSelector>>> namespaceSensitive = new HashMap<>();

  /** Pods' labels by their text, read ahead of their changes. */
  private final LabelTexts labelTexts = new LabelTexts();

  private final Map<ResourceKey, Backing> backings = new HashMap<>();

  /** By Endpoints or EndpointSlice, the bytes its backing was last read from. */
  private final Map<ResourceKey, ByteRanges> backingSources = new HashMap<>();

  /** By pod, the Services pointing at it now, each with how many objects say so. */
  private final Map<String, Map<String, Integer>> servicesOf = new HashMap<>();

  private final Map<String, FoldedExposure> folded = new HashMap<>();

  /**
   * Exposures by what a pod's evaluation reads of it: pods alike (the replicas of one app, a pod
   * and its replacement) are evaluated once while no policy, namespace or tier changes.
   */
  private final Map<Inputs, PodExposure> alike = new HashMap<>();

  private record Inputs(String namespace, Map<String, String> labels, String serviceAccount) {
    // Written out, as ResourceKey's are: looked up for every evaluation.
    @Override
    public boolean equals(Object o) {
      return o instanceof Inputs i
          && namespace.equals(i.namespace)
          && serviceAccount.equals(i.serviceAccount)
          && labels.equals(i.labels);
    }

    @Override
    public int hashCode() {
      return (namespace.hashCode() * 31 + labels.hashCode()) * 31 + serviceAccount.hashCode();
    }
  }

  /** By {@code namespace/name}, the labels of ServiceAccounts, when the scope reads them. */
  private final Map<String, Map<String, String>> accountLabels = new HashMap<>();

  // What the change being applied touched, worked out once it is applied.
  private final Set<String> dirtyPods = new HashSet<>();

  /** The namespaces the change touched, with their labels before it (empty: there was none). */
  private final Map<String, Optional<Map<String, String>>> namespacesBefore = new HashMap<>();

  private final Set<String> newlyBacked = new HashSet<>();
  private Optional<NetworkPolicyException> failure = Optional.empty();

  private long evaluations;

  IntervalEvaluation(EndpointScope scope) {
    this.scope = scope;
  }

  /** The resources to walk: {@link #RESOURCES}, and ServiceAccounts when the scope reads them. */
  Set<String> resources() {
    if (!scope.readsServiceAccountLabels()) {
      return RESOURCES;
    }
    Set<String> out = new HashSet<>(RESOURCES);
    out.add(ACCOUNTS.resource());
    return Set.copyOf(out);
  }

  @Override
  public void start(ClusterState state) throws NetworkPolicyException {
    List<ResourceType> types = new ArrayList<>(List.of(ResourceType.NAMESPACES, POLICIES));
    for (String group : CalicoPolicyReader.GROUPS) {
      for (String r :
          List.of(
              CalicoPolicyReader.TIERS,
              CalicoPolicyReader.NETWORK_POLICIES,
              CalicoPolicyReader.GLOBAL_POLICIES)) {
        types.add(new ResourceType(group, r));
      }
    }
    types.addAll(List.of(PODS, ENDPOINTS, SLICES));
    if (scope.readsServiceAccountLabels()) {
      types.add(ACCOUNTS);
    }
    for (ResourceType t : types) {
      for (LiveObject o : state.select(Optional.of(t), Optional.empty())) {
        changed(o.key(), Optional.of(o));
      }
    }
    // Every pod is new, so evaluated anyway: what namespaces changed need not be worked out.
    namespacesBefore.clear();
    applied(state.at());
  }

  /**
   * A pod's labels and service account, and the bytes an Endpoints' or EndpointSlice's backing
   * depends on, are read on the thread that reads the changes: replay's thread has enough to do.
   */
  @Override
  public Optional<BodyReading> readAhead(ResourceType type, byte[] json, BodyLayout layout) {
    if (type.equals(PODS)) {
      return PodReader.scanned(json, layout, labelTexts).map(f -> f);
    }
    if (type.equals(ENDPOINTS) || type.equals(SLICES)) {
      return BackingScan.source(type, json, layout).map(r -> r);
    }
    return Optional.empty();
  }

  @Override
  public void changed(ResourceKey key, Optional<LiveObject> now) {
    changed(key, now, Optional.empty());
  }

  @Override
  public void changed(ResourceKey key, Optional<LiveObject> now, Optional<BodyReading> ahead) {
    if (failure.isPresent()) {
      return;
    }
    ResourceType type = key.type();
    try {
      if (type.equals(PODS)) {
        podChanged(key, now, ahead);
      } else if (type.isNamespaces()) {
        namespaceChanged(key.name(), now);
      } else if (type.equals(POLICIES)) {
        policyChanged(key, now);
      } else if (type.equals(ENDPOINTS) || type.equals(SLICES)) {
        backingChanged(key, now, ahead);
      } else if (CalicoPolicyReader.isPolicy(type)) {
        calicoPolicyChanged(key, now);
      } else if (CalicoPolicyReader.isTier(type)) {
        tierChanged(key, now);
      } else if (type.equals(ACCOUNTS) && scope.readsServiceAccountLabels()) {
        accountChanged(key, now);
      }
    } catch (NetworkPolicyException e) {
      // Listeners may not throw: the failure surfaces once the change is applied.
      failure = Optional.of(e);
    }
  }

  @Override
  public void applied(Instant at) throws NetworkPolicyException {
    if (failure.isPresent()) {
      throw failure.get();
    }
    namespacesBefore.forEach(this::namespaceMoved);
    namespacesBefore.clear();
    for (String id : dirtyPods) {
      LivePod p = pods.get(id);
      if (p != null) {
        evaluate(id, p);
      }
    }
    for (String id : newlyBacked) {
      LivePod p = pods.get(id);
      if (p != null && p.inScope && !dirtyPods.contains(id)) {
        folded.get(id).services.addAll(servicesOf.getOrDefault(id, Map.of()).keySet());
      }
    }
    dirtyPods.clear();
    newlyBacked.clear();
  }

  /** Every pod in scope at some instant, sorted by namespace and name. */
  List<EndpointExposure> endpoints() {
    List<EndpointExposure> out = new ArrayList<>(folded.size());
    folded.values().forEach(f -> out.add(f.exposure()));
    out.sort(
        Comparator.comparing(EndpointExposure::namespace).thenComparing(EndpointExposure::name));
    return out;
  }

  long evaluations() {
    return evaluations;
  }

  private void evaluate(String id, LivePod p) {
    Inventory.Pod pod = p.pod;
    Map<String, String> nsLabels = namespaces.getOrDefault(pod.namespace(), Map.of());
    p.inScope =
        scope.includes(
            pod.namespace(),
            pod.labels(),
            p.serviceAccount,
            nsLabels,
            accountLabels.isEmpty()
                ? Map.of()
                : accountLabels.getOrDefault(pod.namespace() + "/" + p.serviceAccount, Map.of()));
    if (!p.inScope) {
      return;
    }
    evaluations++;
    Inputs inputs = new Inputs(pod.namespace(), pod.labels(), p.serviceAccount);
    PodExposure e = alike.get(inputs);
    if (e == null) {
      e =
          evaluator.exposure(
              pod,
              policies.getOrDefault(pod.namespace(), Map.of()).values(),
              calicoFor(pod.namespace()),
              tiers);
      alike.put(inputs, e);
    }
    folded
        .computeIfAbsent(id, k -> new FoldedExposure(pod.namespace(), pod.name()))
        .fold(e, p.serviceAccount, servicesOf.getOrDefault(id, Map.of()).keySet());
  }

  private void podChanged(ResourceKey key, Optional<LiveObject> now, Optional<BodyReading> ahead)
      throws NetworkPolicyException {
    String id = key.namespace() + "/" + key.name();
    if (now.isEmpty()) {
      if (pods.remove(id) != null) {
        podsOfNamespace.get(key.namespace()).remove(id);
      }
      return;
    }
    PodReader.Fields fields =
        ahead.isPresent() && ahead.get() instanceof PodReader.Fields read
            ? read
            : PodReader.read(now.get());
    Map<String, String> labels = fields.labels();
    String account = fields.serviceAccount();
    LivePod old = pods.get(id);
    if (old != null && old.pod.labels().equals(labels) && old.serviceAccount.equals(account)) {
      return; // status, annotations, spec: nothing evaluation reads
    }
    pods.put(
        id, new LivePod(new Inventory.Pod(key.namespace(), key.name(), labels, account), account));
    podsOfNamespace.computeIfAbsent(key.namespace(), k -> new HashSet<>()).add(id);
    dirtyPods.add(id);
  }

  private void namespaceChanged(String name, Optional<LiveObject> now)
      throws NetworkPolicyException {
    Optional<Map<String, String>> labels = Optional.empty();
    if (now.isPresent()) {
      labels = Optional.of(PolicyReader.namespaceLabels(now.get()));
    }
    if (labels.equals(Optional.ofNullable(namespaces.get(name)))) {
      return;
    }
    alike.clear();
    namespacesBefore.putIfAbsent(name, Optional.ofNullable(namespaces.get(name)));
    if (labels.isPresent()) {
      namespaces.put(name, labels.get());
    } else {
      namespaces.remove(name);
    }
    evaluator.namespaceChanged(name);
  }

  /** A ServiceAccount's labels move the scope of the pods of its namespace running as it. */
  private void accountChanged(ResourceKey key, Optional<LiveObject> now)
      throws NetworkPolicyException {
    String id = key.namespace() + "/" + key.name();
    Map<String, String> labels = Map.of();
    if (now.isPresent()) {
      labels = PolicyReader.namespaceLabels(now.get());
    }
    if (labels.equals(accountLabels.getOrDefault(id, Map.of()))) {
      return;
    }
    if (labels.isEmpty()) {
      accountLabels.remove(id);
    } else {
      accountLabels.put(id, labels);
    }
    for (String podId : podsOfNamespace.getOrDefault(key.namespace(), Set.of())) {
      if (pods.get(podId).serviceAccount.equals(key.name())) {
        dirtyPods.add(podId);
      }
    }
  }

  /** Marks the pods a namespace's new labels, or its coming or going, can affect. */
  private void namespaceMoved(String name, Optional<Map<String, String>> before) {
    Optional<Map<String, String>> after = Optional.ofNullable(namespaces.get(name));
    calicoNamespaceMoved(name);
    if (before.isPresent() != after.isPresent() || scope.readsNamespaceLabels()) {
      dirtyPods.addAll(podsOfNamespace.getOrDefault(name, Set.of()));
    }
    boolean alone = namespacesBefore.size() == 1;
    namespaceSensitive.forEach(
        (ns, selectorsOf) ->
            selectorsOf.forEach(
                (n, selectors) -> {
                  if (!alone
                      || selectors.stream().anyMatch(s -> flips(s, name, ns, before, after))) {
                    markSelected(policies.get(ns).get(n));
                  }
                }));
  }

  /**
   * Whether a namespace's change can change whether a selector reaches another namespace than
   * {@code own}: only when it moves the changed namespace in or out of the selection and no third
   * namespace is selected.
   */
  private boolean flips(
      LabelSelector s,
      String changed,
      String own,
      Optional<Map<String, String>> before,
      Optional<Map<String, String>> after) {
    boolean was = before.map(s::matches).orElse(false);
    boolean is = after.map(s::matches).orElse(false);
    if (was == is || changed.equals(own)) {
      return false;
    }
    for (Map.Entry<String, Map<String, String>> e : namespaces.entrySet()) {
      String ns = e.getKey();
      if (!ns.equals(changed) && !ns.equals(own) && s.matches(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private void policyChanged(ResourceKey key, Optional<LiveObject> now)
      throws NetworkPolicyException {
    String ns = key.namespace();
    Map<String, Policy> ofNamespace = policies.computeIfAbsent(ns, k -> new HashMap<>());
    Optional<Policy> old = Optional.ofNullable(ofNamespace.get(key.name()));
    Optional<Policy> policy = Optional.empty();
    if (now.isPresent()) {
      policy = Optional.of(PolicyReader.policy(now.get()));
    }
    if (policy.equals(old)) {
      return;
    }
    alike.clear();
    old.ifPresent(this::markSelected);
    // The same podSelector selects the same pods: most changes to a policy change its rules.
    if (old.isEmpty()
        || policy.isEmpty()
        || !old.get().podSelector().equals(policy.get().podSelector())) {
      policy.ifPresent(this::markSelected);
    }
    Map<String, List<LabelSelector>> sensitive =
        namespaceSensitive.computeIfAbsent(ns, k -> new HashMap<>());
    sensitive.remove(key.name());
    if (policy.isPresent()) {
      ofNamespace.put(key.name(), policy.get());
      List<LabelSelector> selectors = policy.get().labelledNamespaceSelectors();
      if (!selectors.isEmpty()) {
        sensitive.put(key.name(), selectors);
      }
    } else {
      ofNamespace.remove(key.name());
    }
  }

  private void markSelected(Policy policy) {
    for (String id : podsOfNamespace.getOrDefault(policy.namespace(), Set.of())) {
      if (policy.podSelector().matches(pods.get(id).pod.labels())) {
        dirtyPods.add(id);
      }
    }
  }

  /** The Calico policies that may apply to a pod of the namespace: its own and the global ones. */
  private Collection<CalicoPolicy> calicoFor(String namespace) {
    if (calico.isEmpty()) {
      return List.of();
    }
    List<CalicoPolicy> out = new ArrayList<>(calico.getOrDefault("", Map.of()).values());
    out.addAll(calico.getOrDefault(namespace, Map.of()).values());
    return out;
  }

  private void calicoPolicyChanged(ResourceKey key, Optional<LiveObject> now)
      throws NetworkPolicyException {
    Optional<CalicoPolicy> policy = Optional.empty();
    if (now.isPresent()) {
      policy = CalicoPolicyReader.policy(now.get());
    }
    String ns = key.namespace();
    Map<ResourceKey, CalicoPolicy> ofNamespace = calico.computeIfAbsent(ns, k -> new HashMap<>());
    Optional<CalicoPolicy> old = Optional.ofNullable(ofNamespace.get(key));
    if (policy.equals(old)) {
      return;
    }
    alike.clear();
    old.ifPresent(this::markCalico);
    policy.ifPresent(this::markCalico);
    if (policy.isPresent()) {
      ofNamespace.put(key, policy.get());
    } else {
      ofNamespace.remove(key);
      if (ofNamespace.isEmpty()) {
        calico.remove(ns);
      }
    }
  }

  private void tierChanged(ResourceKey key, Optional<LiveObject> now)
      throws NetworkPolicyException {
    Optional<Tier> tier = Optional.empty();
    if (now.isPresent()) {
      tier = Optional.of(CalicoPolicyReader.tier(now.get()));
    }
    if (tier.equals(Optional.ofNullable(tiers.get(key.name())))) {
      return;
    }
    alike.clear();
    if (tier.isPresent()) {
      tiers.put(key.name(), tier.get());
    } else {
      tiers.remove(key.name());
    }
    calico.values().stream()
        .flatMap(m -> m.values().stream())
        .filter(p -> p.tier().equals(key.name()))
        .forEach(this::markCalico);
  }

  /** Marks the pods a Calico policy applies to now. */
  private void markCalico(CalicoPolicy policy) {
    Collection<String> candidates =
        policy.global()
            ? pods.keySet()
            : podsOfNamespace.getOrDefault(policy.namespace(), Set.of());
    for (String id : candidates) {
      Inventory.Pod pod = pods.get(id).pod;
      Map<String, String> nsLabels =
          CalicoLabels.ofNamespace(
              pod.namespace(), namespaces.getOrDefault(pod.namespace(), Map.of()));
      if (Evaluator.applies(policy, pod.namespace(), pod.calicoLabels(), nsLabels)) {
        dirtyPods.add(id);
      }
    }
  }

  /**
   * A namespace's labels can move whether a GlobalNetworkPolicy's namespaceSelector takes in its
   * pods, and where the namespaceSelectors of Calico rules reach.
   */
  private void calicoNamespaceMoved(String name) {
    boolean any = false;
    for (Map<ResourceKey, CalicoPolicy> m : calico.values()) {
      for (CalicoPolicy p : m.values()) {
        if (p.readsNamespaceLabels()) {
          markCalico(p);
          any = true;
        }
      }
    }
    if (any) {
      dirtyPods.addAll(podsOfNamespace.getOrDefault(name, Set.of()));
    }
  }

  /** Counts only the pods that moved: most changes to an Endpoints move one address. */
  private void backingChanged(
      ResourceKey key, Optional<LiveObject> now, Optional<BodyReading> ahead) {
    Optional<ByteRanges> source =
        ahead.isPresent() && ahead.get() instanceof ByteRanges read
            ? Optional.of(read)
            : now.flatMap(o -> BackingScan.source(key.type(), o.unsafeJson()));
    ByteRanges before =
        source.isPresent() ? backingSources.put(key, source.get()) : backingSources.remove(key);
    if (before != null && source.isPresent() && before.sameAs(source.get())) {
      return; // the same bytes back the same pods
    }
    Backing old = backings.getOrDefault(key, Backing.NONE);
    Backing backing = now.flatMap(Backing::read).orElse(Backing.NONE);
    if (backing.equals(old)) {
      return; // most writes to an Endpoints (its resourceVersion, its conditions) move no pod
    }
    if (backing.pods().isEmpty()) {
      backings.remove(key);
    } else {
      backings.put(key, backing);
    }
    boolean sameService = old.service().equals(backing.service());
    for (String id : old.pods()) {
      if (!sameService || !backing.pods().contains(id)) {
        count(id, old.service(), -1);
      }
    }
    for (String id : backing.pods()) {
      if (!sameService || !old.pods().contains(id)) {
        count(id, backing.service(), 1);
        newlyBacked.add(id);
      }
    }
  }

  private void count(String pod, String service, int delta) {
    Map<String, Integer> services = servicesOf.computeIfAbsent(pod, k -> new HashMap<>());
    if (services.merge(service, delta, Integer::sum) == 0) {
      services.remove(service);
      if (services.isEmpty()) {
        servicesOf.remove(pod);
      }
    }
  }

  /** A live pod as evaluation reads it, and whether it was in scope when last evaluated. */
  private static final class LivePod {
    final Inventory.Pod pod;
    final String serviceAccount;
    boolean inScope;

    LivePod(Inventory.Pod pod, String serviceAccount) {
      this.pod = pod;
      this.serviceAccount = serviceAccount;
    }
  }
}
