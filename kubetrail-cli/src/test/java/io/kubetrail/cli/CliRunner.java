package io.kubetrail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs the command line in-process with captured standard streams. Commands write text through
 * picocli's writers and raw bytes (event output) through {@code System.out}; both land in the same
 * captured standard output. Swaps the JVM's standard streams, so runs are serialised.
 */
final class CliRunner {
  private CliRunner() {}

  /** What a run produced. */
  record Result(int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr;
    }
  }

  static Result run(String... args) {
    return run(new byte[0], args);
  }

  static synchronized Result run(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    InputStream savedIn = System.in;
    PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintWriter outWriter =
        new PrintWriter(new OutputStreamWriter(capturedOut, StandardCharsets.UTF_8), true);
    PrintWriter errWriter =
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    int code;
    try {
      System.setOut(capturedOut);
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin));
      CommandLine cl = Main.commandLine();
      cl.setOut(outWriter);
      cl.setErr(errWriter);
      code = cl.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
      capturedOut.flush();
      System.setOut(savedOut);
      System.setErr(savedErr);
      System.setIn(savedIn);
    }
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
