package io.kubetrail.history;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Object bodies kept compressed, so that the state of a large cluster fits in memory: each body is
 * deflated on its own (fast level) with a preset dictionary of the strings Kubernetes objects
 * repeat, which is what makes small bodies shrink well. The layout is {@code varint(length)} then
 * the deflate stream; it is also the on-disk form in snapshots and checkpoints, so the dictionary
 * is part of the file format and never changes within one format version.
 */
final class CompactJson {
  private static final byte[] DICTIONARY =
      ("{\"kind\":\"Namespace\",\"kind\":\"ServiceAccount\",\"kind\":\"Endpoints\","
              + "\"kind\":\"NetworkPolicy\",\"apiVersion\":\"networking.k8s.io/v1\","
              + "\"policyTypes\":[\"Ingress\",\"Egress\"],\"podSelector\":{\"matchLabels\":{"
              + "\"namespaceSelector\":{\"ipBlock\":{\"cidr\":\"\",\"except\":[\"ports\":["
              + "{\"protocol\":\"TCP\",\"port\":\"subsets\":[{\"addresses\":[{\"ip\":\"10."
              + "\"targetRef\":{\"kind\":\"Pod\",\"nodeName\":\"\",\"notReadyAddresses\":"
              + "\"secrets\":[{\"name\":\"default-token-\"}],\"automountServiceAccountToken\":"
              + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","
              + "\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"20"
              + "\"hostIP\":\"10.\",\"podIP\":\"10.\",\"podIPs\":[{\"ip\":\"\"}],"
              + "\"startTime\":\"\",\"containerStatuses\":[{\"name\":\"\",\"state\":{"
              + "\"running\":{\"startedAt\":\"\"}},\"ready\":true,\"restartCount\":0,"
              + "\"image\":\"\",\"imageID\":\"\",\"containerID\":\"containerd://\","
              + "\"qosClass\":\"BestEffort\"},\"spec\":{\"volumes\":[{\"name\":\"kube-api-access-"
              + "\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,"
              + "\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{"
              + "\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{"
              + "\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],"
              + "\"defaultMode\":420}}],\"containers\":[{\"name\":\"\",\"image\":\"\","
              + "\"resources\":{},\"volumeMounts\":[{\"name\":\"kube-api-access-\",\"readOnly\":true,"
              + "\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}],"
              + "\"terminationMessagePath\":\"/dev/termination-log\","
              + "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],"
              + "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,"
              + "\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\","
              + "\"serviceAccount\":\"default\",\"securityContext\":{},"
              + "\"schedulerName\":\"default-scheduler\",\"tolerations\":[{"
              + "\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\","
              + "\"effect\":\"NoExecute\",\"tolerationSeconds\":300},{"
              + "\"key\":\"node.kubernetes.io/unreachable\",\"priority\":0,"
              + "\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
              + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"manager\":\"kubelet\","
              + "\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\","
              + "\"apiVersion\":\"v1\",\"time\":\"20\",\"fieldsType\":\"FieldsV1\","
              + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
              + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"\":{\".\":{},"
              + "\"f:status\":{\"f:conditions\":{\"subresource\":\"status\"}],"
              + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
              + "\"controller\":true,\"blockOwnerDeletion\":true}],"
              + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"\"},"
              + "\"labels\":{\"app\":\"\",\"kubernetes.io/metadata.name\":\"\"},"
              + "\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"\","
              + "\"generateName\":\"\",\"namespace\":\"default\",\"uid\":\"\","
              + "\"resourceVersion\":\"\",\"generation\":1,\"creationTimestamp\":\"20")
          .getBytes(StandardCharsets.UTF_8);

  private static final ThreadLocal<Deflater> DEFLATER =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED, true));
  private static final ThreadLocal<Inflater> INFLATER =
      ThreadLocal.withInitial(() -> new Inflater(true));

  private CompactJson() {}

  static byte[] pack(byte[] json) {
    return pack(json, 0, json.length);
  }

  static byte[] pack(byte[] json, int offset, int length) {
    Deflater d = DEFLATER.get();
    d.reset();
    d.setDictionary(DICTIONARY);
    d.setInput(json, offset, length);
    d.finish();
    byte[] out = new byte[5 + length / 2 + 64];
    int pos = writeVarint(out, length);
    while (true) {
      pos += d.deflate(out, pos, out.length - pos);
      if (d.finished()) {
        return Arrays.copyOf(out, pos);
      }
      out = Arrays.copyOf(out, out.length * 2);
    }
  }

  static int unpackedLength(byte[] packed) {
    int value = 0;
    for (int i = 0, shift = 0; i < 5; i++, shift += 7) {
      int b = packed[i] & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalStateException("corrupt compact body: bad length prefix");
  }

  static byte[] unpack(byte[] packed) {
    int length = unpackedLength(packed);
    int start = varintSize(length);
    Inflater inf = INFLATER.get();
    inf.reset();
    // Raw deflate carries no dictionary id: the dictionary is set up front.
    inf.setDictionary(DICTIONARY);
    inf.setInput(packed, start, packed.length - start);
    byte[] out = new byte[length];
    try {
      int pos = 0;
      while (pos < length) {
        int n = inf.inflate(out, pos, length - pos);
        if (n == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          throw new IllegalStateException("corrupt compact body: stream ended early");
        }
        pos += n;
      }
    } catch (DataFormatException e) {
      throw new IllegalStateException("corrupt compact body: " + e.getMessage(), e);
    }
    return out;
  }

  private static int writeVarint(byte[] out, int value) {
    int pos = 0;
    while ((value & ~0x7f) != 0) {
      out[pos++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }

  private static int varintSize(int value) {
    int n = 1;
    while ((value & ~0x7f) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }
}
