/**
 * The {@code audit.k8s.io} audit Policy: load, validate, evaluate and apply it exactly as
 * kube-apiserver does, and the built-in policies kubetrail ships.
 *
 * <ul>
 *   <li>{@link io.kubetrail.policy.PolicyLoader} reads a policy file (v1, v1beta1 or v1alpha1; YAML
 *       or JSON) the way kube-apiserver's {@code --audit-policy-file} is read: strictly, falling
 *       back to a lenient decode with warnings for unknown or duplicate fields.
 *   <li>{@link io.kubetrail.policy.PolicyValidator} applies kube-apiserver's {@code
 *       ValidatePolicy}, with its field paths and messages.
 *   <li>{@link io.kubetrail.policy.PolicyEvaluator} decides the level and omitted stages of a
 *       request or an event (kube-apiserver's policy checker, quirks included) and rewrites an
 *       event as kube-apiserver would have written it under the policy.
 *   <li>{@link io.kubetrail.policy.PolicyProfile} holds ready-made policies; {@link
 *       io.kubetrail.policy.Coverage} says which changes to the resources kubetrail replays a
 *       policy logs with full bodies, tried as administrators, users, kubelets and controllers.
 * </ul>
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.policy;
