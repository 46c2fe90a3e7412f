package io.kubetrail.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGTERM and SIGINT into a clean stop, so that a long-running command finishes the batch in
 * hand and exits 0 (a JVM stopped by the default handler exits 143 after its shutdown hooks). Uses
 * the JDK's {@code sun.misc.Signal} through reflection, where it exists; elsewhere a shutdown hook
 * does the stopping.
 */
final class Signals {
  private Signals() {}

  static void onTerminate(Runnable stop) {
    if (!install(stop)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "kubetrail-stop"));
    }
  }

  private static boolean install(Runnable stop) {
    AtomicBoolean signalled = new AtomicBoolean();
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler call =
          (Object proxy, Method method, Object[] args) -> {
            if (method.getName().equals("handle")) {
              if (signalled.getAndSet(true)) {
                Runtime.getRuntime().halt(130);
              }
              stop.run();
              return null;
            }
            return method.invoke(stop, args); // toString, hashCode, equals
          };
      Object h =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, call);
      Method handle = signal.getMethod("handle", signal, handler);
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
