package io.kubetrail.bench;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.kubetrail.collect.ObjectNames;
import io.kubetrail.event.RawJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Writes a JSON Lines audit log as OpenSearch {@code _bulk} request bodies, the documents as
 * Calico's collector stores them: each is the raw event plus {@code cluster}, {@code name} and
 * {@code generated_time}. {@code bench/ingest/run.sh} prepares the bodies before its clock starts
 * and sends them with curl, so that no loader of ours takes CPU from OpenSearch.
 *
 * <p>Usage: {@code BulkBodies FILE OUT_DIR [CLUSTER] [DOCS_PER_REQUEST]}; writes {@code
 * bulk-000001.ndjson}, ... and prints the number of documents.
 */
public final class BulkBodies {
  private BulkBodies() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: BulkBodies FILE OUT_DIR [CLUSTER] [DOCS_PER_REQUEST]");
      System.exit(2);
    }
    String cluster = args.length > 2 ? args[2] : "bench";
    int perRequest = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
    Path out = Files.createDirectories(Path.of(args[1]));
    System.out.println(write(Path.of(args[0]), out, cluster, perRequest));
  }

  private static long write(Path file, Path out, String cluster, int perRequest)
      throws IOException {
    byte[] clusterField =
        (",\"cluster\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cluster)))
            .getBytes(StandardCharsets.UTF_8);
    byte[] nameField = "\",\"name\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] action = "{\"index\":{}}\n".getBytes(StandardCharsets.UTF_8);
    long docs = 0;
    int bodies = 0;
    ByteArrayOutputStream body = new ByteArrayOutputStream(perRequest * 1400);
    int inBody = 0;
    try (InputStream in = open(file)) {
      LineReader lines = new LineReader(in);
      byte[] line;
      byte[] generated = generatedTime();
      while ((line = lines.next()) != null) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\r')) {
          end--;
        }
        if (end == 0 || line[end - 1] != '}') {
          continue;
        }
        String name = ObjectNames.of(RawJson.of(line, 0, end));
        body.write(action);
        body.write(line, 0, end - 1);
        body.write(clusterField);
        body.write(nameField);
        body.write(JsonStringEncoder.getInstance().quoteAsUTF8(name));
        body.write(generated);
        body.write('\n');
        docs++;
        if (++inBody == perRequest) {
          Files.write(out.resolve(String.format("bulk-%06d.ndjson", ++bodies)), body.toByteArray());
          body.reset();
          inBody = 0;
          generated = generatedTime();
        }
      }
    }
    if (inBody > 0) {
      Files.write(out.resolve(String.format("bulk-%06d.ndjson", ++bodies)), body.toByteArray());
    }
    return docs;
  }

  private static byte[] generatedTime() {
    return ("\",\"generated_time\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Lines as bytes, without the newline. */
  private static final class LineReader {
    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      int scan = start;
      while (true) {
        for (; scan < end; scan++) {
          if (buffer[scan] == '\n') {
            byte[] line = Arrays.copyOfRange(buffer, start, scan);
            start = scan + 1;
            return line;
          }
        }
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, end - start);
          end -= start;
          scan -= start;
          start = 0;
        }
        if (end == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
          if (end == start) {
            return null;
          }
          byte[] line = Arrays.copyOfRange(buffer, start, end);
          start = end;
          return line;
        }
        end += n;
      }
    }
  }
}
