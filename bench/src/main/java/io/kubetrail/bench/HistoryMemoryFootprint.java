package io.kubetrail.bench;

import io.kubetrail.history.ClusterState;
import io.kubetrail.history.LiveObject;
import io.kubetrail.history.Replayer;

/**
 * Memory the replayed state takes: replays creates of {@code N} pods (default 100,000) with
 * realistic bodies and reports the heap they hold, per object. Run with {@code java -cp
 * bench/target/benchmarks.jar io.kubetrail.bench.HistoryMemoryFootprint [N]}.
 */
public final class HistoryMemoryFootprint {
  private HistoryMemoryFootprint() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long before = usedAfterGc();
    Replayer replayer = new Replayer();
    HistoryWorkload w = new HistoryWorkload(n, 42);
    long jsonBytes = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      var e = w.next();
      jsonBytes += e.json().length();
      replayer.apply(e);
    }
    long replayMs = (System.nanoTime() - t0) / 1_000_000;
    long after = usedAfterGc();
    ClusterState state = replayer.state(HistoryWorkload.timeOf(n));
    long compressed = 0;
    for (LiveObject o : state.objects()) {
      compressed += o.compressedSize();
    }
    System.out.printf(
        "%d live objects: heap %.1f MB (%d bytes/object); bodies compressed %.1f MB (%d"
            + " bytes/object); events %.1f MB of JSON; replayed in %d ms%n",
        replayer.size(),
        (after - before) / 1e6,
        (after - before) / n,
        compressed / 1e6,
        compressed / n,
        jsonBytes / 1e6,
        replayMs);
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
