/**
 * Who is calling and what they may read: bearer tokens checked against a users file (stored hashed)
 * or by the Kubernetes API (TokenReview, SubjectAccessReview), roles, and the namespaces a viewer
 * is limited to.
 */
package io.kubetrail.server.auth;
