package io.kubetrail.server;

import io.javalin.http.Context;
import io.kubetrail.server.auth.Caller;

/** Records who read which audit data; see {@link StoreAccessLog}. */
interface AccessLog extends AutoCloseable {
  /**
   * Records one read.
   *
   * @param what the question, such as {@code search} or {@code history pods/app/web}
   * @param rows how many rows (events, objects, revisions, report rows) the answer held
   */
  void record(Context ctx, Caller caller, String what, long rows);

  @Override
  void close();

  AccessLog NONE =
      new AccessLog() {
        @Override
        public void record(Context ctx, Caller caller, String what, long rows) {}

        @Override
        public void close() {}
      };
}
