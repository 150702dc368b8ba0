package dev.storekeeper.processing;

import dev.storekeeper.storage.OutputDirectory;
import dev.storekeeper.storage.PrivateFiles;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.s3.ObjectKeys;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.OutputObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where a job is processed on the s3 backend: {@code WORK_DIR/{job_id}/} holds the input fetched
 * from the bucket and the processor's output directory, whose files are then put below {@code
 * outputs/{job_id}/}. Private (0700) like the data directory. Whatever an earlier attempt on this
 * node left is removed first; what a dead node left is removed when it starts again ({@link
 * #sweep}).
 */
final class Scratch {

  /** The longest relative output path uploaded: a key has at most 1,024 bytes. */
  private static final int MAX_PATH = 900;

  /** More output files than this fail the job: their paths are held in memory while uploading. */
  static final int MAX_FILES = 1_000_000;

  private final Path root;
  private final Path dir;

  private Scratch(Path root, UUID jobId) {
    this.root = root;
    this.dir = root.resolve(jobId.toString());
  }

  static Scratch create(Path workRoot, UUID jobId) throws IOException {
    PrivateFiles.createDirectories(workRoot);
    Scratch scratch = new Scratch(workRoot.toRealPath(), jobId);
    scratch.remove();
    PrivateFiles.createDirectories(scratch.outputs());
    return scratch;
  }

  Path outputs() {
    return dir.resolve("outputs");
  }

  /** Copies the upload's object to {@code input/{name}}; a missing object fails the job. */
  Path fetch(ObjectStore store, String key, String name) throws IOException, ProcessingException {
    Path input = dir.resolve("input");
    PrivateFiles.createDirectories(input);
    Path file = input.resolve(name);
    try (InputStream in =
        store
            .get(key)
            .orElseThrow(
                () -> new ProcessingException("the upload is no longer in the bucket: " + name))) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    PrivateFiles.narrowNew(file);
    return file;
  }

  /** What publishing the outputs put in the bucket. */
  record Published(long bytes, String objects) {}

  /**
   * Puts every plain file of the output directory below {@code outputs/{job_id}/}: links, special
   * files and files with more than one link are not uploaded, exactly as downloads refuse them on
   * the filesystem (a processor must not publish a file it merely links to).
   */
  Published publish(ObjectStore store, ObjectKeys keys, UUID jobId)
      throws IOException, ProcessingException {
    SafeFiles.Listing listing = SafeFiles.files(dir, "outputs", MAX_FILES, MAX_PATH);
    if (!listing.errors().isEmpty()) {
      throw new ProcessingException("cannot read the outputs: " + listing.errors());
    }
    if (listing.truncated()) {
      throw new ProcessingException("the processor wrote more than " + MAX_FILES + " files");
    }
    List<OutputObjects.Entry> put = new ArrayList<>();
    long bytes = 0;
    try (OutputDirectory outputs = OutputDirectory.open(outputs())) {
      for (SafeFiles.FileEntry file : listing.files()) {
        SeekableByteChannel channel;
        try {
          channel = outputs.read(file.path());
        } catch (OutputDirectory.NotAPlainFileException notPlain) {
          continue;
        }
        long size;
        try (InputStream in = Channels.newInputStream(channel)) {
          size = store.put(keys.output(jobId, file.path()), in);
        }
        put.add(new OutputObjects.Entry(file.path(), size));
        bytes += size;
      }
    }
    // more files than are recorded: encode leaves the record out and cleanup lists the prefix
    return new Published(bytes, OutputObjects.encode(put));
  }

  /** Removes the job's scratch (link-safe, however deep the processor's tree is). */
  void remove() {
    SafeFiles.Removal removal = SafeFiles.remove(root, dir.getFileName().toString(), false);
    if (!removal.errors().isEmpty()) {
      throw new UncheckedIOException(
          new IOException("cannot remove the scratch of a job: " + removal.errors()));
    }
  }
}
