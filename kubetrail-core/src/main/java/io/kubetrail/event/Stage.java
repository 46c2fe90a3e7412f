package io.kubetrail.event;

/** The stages at which kube-apiserver emits an audit event. */
public enum Stage {
  RequestReceived,
  ResponseStarted,
  ResponseComplete,
  Panic
}
