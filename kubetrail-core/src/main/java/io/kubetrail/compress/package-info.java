/**
 * The LZ4 block format, the one compression of what kubetrail keeps: the store's event blocks and
 * the object bodies of replayed state (in memory, snapshots and checkpoints).
 *
 * <p>{@link io.kubetrail.compress.Lz4Compressor} writes a block, optionally against a preset
 * dictionary; {@link io.kubetrail.compress.Lz4Decompressor} reads one, a part at a time if need be.
 * One implementation for both uses: a short process compiles it once.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.compress;
