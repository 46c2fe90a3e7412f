package io.kubetrail.event;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * gzip decompression whose data errors surface as {@link CorruptInputException}. Concatenated
 * members (as {@code cat a.gz b.gz} makes) are read one after another.
 */
final class Gzip {
  private static final int BUFFER = 1 << 16;

  private Gzip() {}

  /** Decompresses {@code in}; the gzip header is read on the first read, not here. */
  static InputStream decompress(InputStream in) {
    return new Decompressing(in);
  }

  /**
   * Checks the gzip header now, so that a file named {@code .gz} that is not gzip fails to open.
   */
  static InputStream decompressEagerly(InputStream in, String sourceName) throws IOException {
    try {
      return new Decompressing(in).open();
    } catch (CorruptInputException e) {
      throw new IOException(sourceName + ": " + e.getMessage(), e);
    }
  }

  private static final class Decompressing extends FilterInputStream {
    private final InputStream compressed;
    private boolean opened;

    Decompressing(InputStream compressed) {
      super(compressed);
      this.compressed = compressed;
    }

    Decompressing open() throws IOException {
      if (!opened) {
        try {
          in = new GZIPInputStream(compressed, BUFFER);
        } catch (ZipException | EOFException e) {
          throw corrupt(e);
        }
        opened = true;
      }
      return this;
    }

    @Override
    public int read() throws IOException {
      open();
      try {
        return in.read();
      } catch (ZipException | EOFException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      open();
      try {
        return in.read(b, off, len);
      } catch (ZipException | EOFException e) {
        throw corrupt(e);
      }
    }

    @Override
    public void close() throws IOException {
      compressed.close();
    }

    private static CorruptInputException corrupt(IOException e) {
      String what = e instanceof EOFException ? "truncated" : "corrupt";
      return new CorruptInputException("gzip data is " + what + " (" + e.getMessage() + ")", e);
    }
  }
}
