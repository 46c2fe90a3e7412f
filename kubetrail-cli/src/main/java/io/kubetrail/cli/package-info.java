/**
 * The {@code kubetrail} command line: one picocli command per job, each a thin shell over the
 * library modules. Not an API; nothing outside this module uses it.
 *
 * <p>Exit codes everywhere: {@link io.kubetrail.cli.ExitCodes#OK} when done, {@link
 * io.kubetrail.cli.ExitCodes#REJECTED} when done but some input was rejected (and reported), {@link
 * io.kubetrail.cli.ExitCodes#USAGE} for usage or configuration errors.
 */
package io.kubetrail.cli;
