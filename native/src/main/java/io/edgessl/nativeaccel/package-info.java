/**
 * Native kernels for EdgeSSL: the C library {@code libedgessl} behind the JDK's foreign function
 * and memory (FFM) API, plugged into the core as the {@code "native"} {@link
 * io.edgessl.spi.KernelsProvider} (rank 100). Every kernel has a pure-Java twin in the core (its
 * {@code JavaKernels} or {@code JavaImageKernels}) and equals it (bit for bit on integer paths and
 * in preprocessing); without this module, or where it cannot run, the core uses the Java kernels.
 *
 * <h2>Where the library comes from</h2>
 *
 * The first use looks, in this order, for:
 *
 * <ol>
 *   <li>the file named by the system property {@code edgessl.native.library} (e.g. a library you
 *       built yourself with {@code cmake}; when set, nothing else is tried);
 *   <li>the library packaged in this jar for the running platform, {@code
 *       io/edgessl/nativeaccel/<os>-<arch>/libedgessl.so} (or {@code .dylib}), copied to a private
 *       temporary directory, loaded, and deleted again (Linux and macOS keep a loaded library open
 *       after its file is removed);
 *   <li>{@code libedgessl.so} in a directory of {@code java.library.path}.
 * </ol>
 *
 * The library must report the ABI version these bindings were written for ({@code
 * edgessl_abi_version()}); another one is refused rather than called with the wrong signatures.
 *
 * <h2>What it needs</h2>
 *
 * <ul>
 *   <li>Native access enabled for this module: {@code --enable-native-access=ALL-UNNAMED} on the
 *       class path, {@code --enable-native-access=io.edgessl.nativeaccel} on the module path, or
 *       {@code Enable-Native-Access: ALL-UNNAMED} in the manifest of an executable jar;
 *   <li>a library built for the platform (the jar carries the ones its build produced; {@code
 *       linux-x86_64} here). Its variant is chosen once at run time, the fastest the CPU runs:
 *       {@code avx512-vnni}, {@code avx512}, {@code avx2}, {@code neon-dotprod}, {@code neon}, or
 *       {@code portable} (plain C) on CPUs with none of those; {@code
 *       -Dedgessl.native.variant=NAME} forces one.
 * </ul>
 *
 * When something is missing, the core logs one line saying what and how to fix it, and runs the
 * Java kernels; {@code -Dedgessl.kernels=native} turns that into an error.
 *
 * <h2>Memory</h2>
 *
 * {@link io.edgessl.nativeaccel.NativeKernels} reads Java arrays in place, as heap memory segments
 * passed to critical downcalls (no copy, no allocation); each call is bounded to about a
 * millisecond of work, because a thread in a critical call holds back the JVM's safepoints. The
 * same kernels take {@link java.lang.foreign.MemorySegment}s, e.g. a bank kept off the heap in an
 * {@link java.lang.foreign.Arena} owned by a session. Preprocessing reads frames in place from
 * arrays, heap buffers or direct buffers (a camera's, or an arena segment's {@link
 * java.lang.foreign.MemorySegment#asByteBuffer()}) and writes the caller's float buffer in place.
 * Every size, offset and segment (its arena still open, large enough, aligned, writable) is checked
 * in Java before a call: a bad argument throws an exception, it never reaches C.
 */
package io.edgessl.nativeaccel;
