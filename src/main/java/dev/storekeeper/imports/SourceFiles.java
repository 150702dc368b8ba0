package dev.storekeeper.imports;

import dev.storekeeper.storage.SafeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * A reference job's files as found under {@code --source-data}, checked without following links:
 * the upload must be a regular file with one link directly in {@code uploads/}, the output a plain
 * directory {@code outputs/{job_id}} with no links or special files anywhere in it. What is wrong
 * is said relative to {@code --source-data}, so the operator can find it.
 */
final class SourceFiles {

  private SourceFiles() {}

  /** What was found, or why the job's files are refused. */
  record Found(
      String uploadName,
      long uploadBytes,
      boolean output,
      long outputBytes,
      long outputFiles,
      String resultRest,
      String refusal) {

    static Found refused(String why) {
      return new Found(null, 0, false, 0, 0, null, why);
    }
  }

  static Found inspect(Path data, SourceJob job) throws IOException {
    SourcePaths.Mapped upload = SourcePaths.upload(job.filePath());
    if (upload.refused()) {
      return Found.refused(upload.refusal());
    }
    SourcePaths.Mapped result = SourcePaths.result(job.resultPath(), job.id());
    if (result.refused()) {
      return Found.refused(result.refusal());
    }
    String uploadsRefusal = plainDirectory(data, "uploads");
    if (uploadsRefusal != null) {
      return Found.refused(uploadsRefusal);
    }
    Path uploads = data.resolve("uploads");
    Path file;
    try {
      file = uploads.resolve(upload.value());
    } catch (InvalidPathException invalid) {
      return Found.refused("its upload name is not a valid file name here");
    }
    String shown = "uploads/" + upload.value();
    BasicFileAttributes attributes = Adoption.lstat(file);
    if (attributes == null) {
      return Found.refused("its upload " + shown + " does not exist under --source-data");
    }
    if (attributes.isSymbolicLink()) {
      return Found.refused("its upload " + shown + " is a symbolic link: not followed");
    }
    if (!attributes.isRegularFile()) {
      return Found.refused("its upload " + shown + " is not a regular file");
    }
    if (links(file) != 1) {
      return Found.refused("its upload " + shown + " has more than one link (a hard link)");
    }
    String id = job.id().toString();
    boolean hasOutput = false;
    long outputBytes = 0;
    long outputFiles = 0;
    BasicFileAttributes output = null;
    String outputsRefusal = plainDirectory(data, "outputs");
    if (outputsRefusal == null) {
      output = Adoption.lstat(data.resolve("outputs").resolve(id));
    } else if (!outputsRefusal.endsWith("does not exist")) {
      return Found.refused(outputsRefusal);
    }
    if (output == null) {
      if (result.value() != null) {
        return Found.refused(
            "its result_path names outputs/" + id + "/, which does not exist under --source-data");
      }
    } else {
      String refusal = treeRefusal(data.resolve("outputs"), id);
      if (refusal != null) {
        return Found.refused(refusal);
      }
      SafeFiles.Survey survey = SafeFiles.survey(data.resolve("outputs"), id);
      hasOutput = true;
      outputBytes = survey.bytes();
      outputFiles = survey.files();
      if (result.value() != null
          && !result.value().isEmpty()
          && Adoption.lstat(data.resolve("outputs").resolve(id).resolve(result.value())) == null) {
        return Found.refused(
            "its result_path names outputs/%s/%s, which does not exist under --source-data"
                .formatted(id, result.value()));
      }
    }
    return new Found(
        upload.value(),
        attributes.size(),
        hasOutput,
        outputBytes,
        outputFiles,
        result.value(),
        null);
  }

  /** Why directory {@code root/name} cannot be adopted as it is, or null when it can. */
  static String treeRefusal(Path root, String name) throws IOException {
    Path dir = root.resolve(name);
    String shown = root.getFileName() + "/" + name;
    BasicFileAttributes attributes = Adoption.lstat(dir);
    if (attributes == null) {
      return shown + " does not exist";
    }
    if (attributes.isSymbolicLink()) {
      return shown + " is a symbolic link: not followed";
    }
    if (!attributes.isDirectory()) {
      return shown + " is not a directory";
    }
    SafeFiles.Survey survey = SafeFiles.survey(root, name);
    if (!survey.notPlain().isEmpty()) {
      return root.getFileName() + "/" + survey.notPlain().get(0) + ": not adopted";
    }
    if (!survey.errors().isEmpty()) {
      return "cannot read " + shown + ": " + String.join("; ", survey.errors());
    }
    return null;
  }

  /** Why {@code data/name} is not a plain directory, or null when it is. */
  private static String plainDirectory(Path data, String name) throws IOException {
    BasicFileAttributes attributes = Adoption.lstat(data.resolve(name));
    if (attributes == null) {
      return name + "/ under --source-data does not exist";
    }
    if (attributes.isSymbolicLink()) {
      return name + "/ under --source-data is a symbolic link: not followed";
    }
    if (!attributes.isDirectory()) {
      return name + "/ under --source-data is not a directory";
    }
    return null;
  }

  private static long links(Path file) throws IOException {
    Map<String, Object> unix = Files.readAttributes(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    return ((Number) unix.get("nlink")).longValue();
  }
}
