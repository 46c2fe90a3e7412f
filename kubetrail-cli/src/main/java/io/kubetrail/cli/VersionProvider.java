package io.kubetrail.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, so it is never written twice. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"kubetrail " + (version == null ? "development build" : version)};
  }
}
