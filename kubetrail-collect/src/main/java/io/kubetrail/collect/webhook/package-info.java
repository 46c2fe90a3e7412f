/**
 * The webhook source: an HTTPS endpoint that kube-apiserver's audit webhook backend, or a
 * forwarding collector ({@link io.kubetrail.collect.forward.ForwardingSink}), posts audit {@code
 * EventList}s to.
 *
 * <p>{@link io.kubetrail.collect.webhook.WebhookSource} is the source, configured by {@link
 * io.kubetrail.collect.webhook.WebhookOptions}; {@link
 * io.kubetrail.collect.webhook.WebhookKubeconfig} writes the kubeconfig that points kube-apiserver
 * at it. Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.collect.webhook;
