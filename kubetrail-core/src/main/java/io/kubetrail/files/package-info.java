/**
 * Writing files so that a crash never leaves half of one.
 *
 * <p>{@link io.kubetrail.files.AtomicFiles} replaces a file whole: the one place where kubetrail
 * writes a temporary file, forces it to disk, renames it over the old one and syncs the directory.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.files;
