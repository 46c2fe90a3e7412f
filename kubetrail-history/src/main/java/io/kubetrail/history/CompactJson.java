package io.kubetrail.history;

import io.kubetrail.compress.Lz4Compressor;
import io.kubetrail.compress.Lz4Decompressor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Object bodies kept compressed, so that the state of a large cluster fits in memory: each body is
 * compressed on its own with LZ4 ({@link Lz4Compressor}, the codec of the store's blocks too) and a
 * preset dictionary of the strings Kubernetes objects repeat, which is what makes small bodies
 * shrink well. LZ4 rather than deflate because replay compresses every change it applies: deflate
 * was the bottleneck of replay, LZ4 is several times faster at about 1.5 times the size. The layout
 * is {@code varint(length)} then the LZ4 block; it is also the on-disk form in snapshots and
 * checkpoints, so the dictionary is part of the file format and never changes within one format
 * version.
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

  /** Per-thread work buffers: the dictionary followed by room for one body. */
  private static final class Work {
    byte[] plain = Arrays.copyOf(DICTIONARY, DICTIONARY.length + 4096);
    byte[] packed = new byte[8192];
    final Lz4Compressor compressor = new Lz4Compressor();

    void fit(int length) {
      if (plain.length < DICTIONARY.length + length) {
        plain = Arrays.copyOf(plain, DICTIONARY.length + length + length / 2);
      }
      int worst = 5 + Lz4Compressor.maxCompressedLength(length);
      if (packed.length < worst) {
        packed = new byte[worst + worst / 2];
      }
    }
  }

  private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

  private CompactJson() {}

  static byte[] pack(byte[] json) {
    return pack(json, 0, json.length);
  }

  static byte[] pack(byte[] json, int offset, int length) {
    Work w = WORK.get();
    w.fit(length);
    System.arraycopy(json, offset, w.plain, DICTIONARY.length, length);
    int prefix = writeVarint(w.packed, length);
    int end = w.compressor.compress(w.plain, 0, DICTIONARY.length, length, w.packed, prefix);
    return Arrays.copyOf(w.packed, end);
  }

  static int unpackedLength(byte[] packed) {
    int value = 0;
    for (int i = 0, shift = 0; i < 5 && i < packed.length; i++, shift += 7) {
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
    Work w = WORK.get();
    w.fit(length);
    try {
      // The dictionary sits before the output, where LZ4 matches may refer to it.
      int end = DICTIONARY.length + length;
      int filled =
          new Lz4Decompressor(packed, start, packed.length - start)
              .decompress(w.plain, DICTIONARY.length, end, end);
      if (filled != end) {
        throw new IOException("body ends after " + (filled - DICTIONARY.length) + " bytes");
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("corrupt compact body: " + e.getMessage(), e);
    }
    return Arrays.copyOfRange(w.plain, DICTIONARY.length, DICTIONARY.length + length);
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
