package dev.storekeeper.cli;

import dev.storekeeper.jobs.Job;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the hold commands print a job's hold: one line each, or the API's JSON. */
final class HoldOutput {

  private HoldOutput() {}

  static Map<String, Object> view(Job job) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("job_id", job.id().toString());
    view.put("filename", job.filename());
    view.put("status", job.status().value());
    view.put("held", job.held());
    view.put("reason", job.holdReason());
    view.put("held_at", job.heldAt() == null ? null : job.heldAt().toString());
    view.put("held_by", job.heldBy());
    return view;
  }

  static void print(Streams streams, CliContext context, boolean json, Job job) {
    if (json) {
      JsonDocument.write(context.json(), streams.out(), view(job));
      return;
    }
    PrintWriter out = streams.outWriter();
    out.println(line(job));
    streams.flush();
  }

  static void list(Streams streams, CliContext context, boolean json, long total, List<Job> jobs) {
    if (json) {
      Map<String, Object> page = new LinkedHashMap<>();
      page.put("total", total);
      page.put("holds", jobs.stream().map(HoldOutput::view).toList());
      JsonDocument.write(context.json(), streams.out(), page);
      return;
    }
    PrintWriter out = streams.outWriter();
    out.println("Held jobs: " + total);
    jobs.forEach(job -> out.println("  " + line(job)));
    if (total > jobs.size()) {
      out.println("  ... and " + (total - jobs.size()) + " more (--limit)");
    }
    streams.flush();
  }

  private static String line(Job job) {
    if (!job.held()) {
      return job.id() + "  " + job.status().value() + "  not held";
    }
    return "%s  %-9s held since %s by %s: %s"
        .formatted(
            job.id(), job.status().value(), time(job.heldAt()), job.heldBy(), job.holdReason());
  }

  private static String time(Instant instant) {
    return instant.toString();
  }
}
