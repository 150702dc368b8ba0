package dev.storekeeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Directory chains deeper than any path the kernel takes ({@code PATH_MAX} is 4096 bytes): built
 * bottom-up from short segments, each finished chain renamed into the bottom of the next segment,
 * so no path ever used is long. What a hostile archive unpacked by a processor leaves behind.
 */
public final class DeepTree {

  private static final int SEGMENT = 500;

  private DeepTree() {}

  /**
   * Creates {@code parent/name} with {@code depth} directory levels in all ({@code name} and {@code
   * depth - 1} levels named {@code d} below it) and a file {@code bottom.txt} holding {@code
   * bottomBytes} bytes in the deepest one.
   */
  public static Path chain(Path parent, String name, int depth, int bottomBytes)
      throws IOException {
    Path work = Files.createTempDirectory(parent, ".deep-");
    Path chain = work.resolve("chain");
    int levels = Math.min(depth, SEGMENT);
    Path bottom = Files.createDirectories(segment(chain, levels));
    Files.write(bottom.resolve("bottom.txt"), new byte[bottomBytes]);
    while (levels < depth) {
      int more = Math.min(SEGMENT, depth - levels);
      Path next = work.resolve("next");
      Path nextBottom = Files.createDirectories(segment(next, more));
      Files.move(chain, nextBottom.resolve("d"));
      Files.move(next, chain);
      levels += more;
    }
    Path tree = Files.move(chain, parent.resolve(name));
    Files.delete(work);
    return tree;
  }

  /** {@code top} and {@code levels - 1} levels named {@code d} below it: the deepest one. */
  private static Path segment(Path top, int levels) {
    Path path = top;
    for (int i = 1; i < levels; i++) {
      path = path.resolve("d");
    }
    return path;
  }

  /**
   * A new temporary directory in memory where the machine has it ({@code /dev/shm}): tests of the
   * walk's cost must not wait on a disk, where removing 100,000 directories one by one takes a
   * minute whatever walks them. Remove it with {@code SafeFiles}: no recursive walk survives what
   * these tests put in it.
   */
  public static Path memoryBackedTempDir(String prefix) throws IOException {
    Path shm = Path.of("/dev/shm");
    return Files.createTempDirectory(
        Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), prefix);
  }

  /** Open file descriptors of this process. */
  public static long openDescriptors() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
