package dev.storekeeper.web;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Every kind of problem document we answer, in one place: its {@code type} URI ({@code
 * /problems/<slug>}, where {@link ProblemTypesController} serves the description below as text) and
 * its title. A client can branch on {@code type} instead of parsing {@code detail}.
 */
enum ProblemType {
  INVALID_PARAMETER(
      "invalid-parameter",
      400,
      "Invalid request",
      "A query parameter, path segment or multipart field has a value the endpoint refuses."
          + " `parameter` names it and `detail` says what is expected. Nothing was changed."),
  INVALID_REQUEST(
      "invalid-request",
      400,
      "Invalid request",
      "The request cannot be read: its path contains something that is not allowed (an encoded"
          + " '/', '\\', '%' or NUL, an empty segment '//', a ';', a dot segment), or its query"
          + " string or body is malformed. The path is not echoed back. Nothing was changed."),
  UNAUTHORIZED(
      "unauthorized",
      401,
      "Unauthorized",
      "The endpoint needs a bearer token: `Authorization: Bearer <token>`. Admin endpoints"
          + " (/cleanup/**, DELETE /jobs/{id}, the actuator) need ADMIN_TOKEN; job endpoints need"
          + " API_TOKEN or ADMIN_TOKEN when API_TOKEN is set."),
  FORBIDDEN(
      "forbidden",
      403,
      "Forbidden",
      "The bearer token is not valid, or does not grant this endpoint: API_TOKEN never grants"
          + " the admin endpoints. Repeated failures from one address are limited (see"
          + " too-many-failed-attempts)."),
  CROSS_SITE_REQUEST(
      "cross-site-request",
      403,
      "Cross-site request refused",
      "A state-changing request (POST, PUT, PATCH, DELETE) came from a web page of another"
          + " origin (its `Origin` header names another scheme, host or port, or"
          + " `Sec-Fetch-Site` is cross-site). Only origins listed in CORS_ALLOWED_ORIGINS may"
          + " send them. Nothing was changed."),
  NOT_FOUND(
      "not-found",
      404,
      "Not Found",
      "There is no such endpoint, or the job, run or file the path names does not exist (or is"
          + " being deleted)."),
  METHOD_NOT_ALLOWED(
      "method-not-allowed",
      405,
      "Method Not Allowed",
      "The endpoint exists but not with this HTTP method; the `Allow` header lists the ones it"
          + " takes."),
  NOT_ACCEPTABLE(
      "not-acceptable",
      406,
      "Not Acceptable",
      "The endpoint cannot answer in any media type the `Accept` header allows; answers are"
          + " JSON (application/json, errors application/problem+json)."),
  CONFLICT(
      "conflict",
      409,
      "Conflict",
      "The request is valid but the current state does not allow it: the job is not in a status"
          + " that allows it, or another cleanup is running (`running_run_id` names it)."),
  UPLOAD_TOO_LARGE(
      "upload-too-large",
      413,
      "Upload too large",
      "The upload (or the whole multipart request) is larger than MAX_UPLOAD_BYTES; nothing was"
          + " kept."),
  BODY_NOT_ACCEPTED(
      "body-not-accepted",
      415,
      "Request body not accepted",
      "The endpoint takes no request body, or not this kind: parameters go in the query string"
          + " (`parameters` lists the endpoint's), and only POST /upload takes a body"
          + " (multipart/form-data with one part, `file`). A body is refused before it is read,"
          + " so it can never change what the request does. Nothing was changed."),
  TOO_MANY_FAILED_ATTEMPTS(
      "too-many-failed-attempts",
      429,
      "Too many failed attempts",
      "Too many requests with a wrong bearer token came from this address within a minute;"
          + " every request with a token from it is refused until `Retry-After` seconds have"
          + " passed. Requests without a token are not affected."),
  INTERNAL_ERROR(
      "internal-error",
      500,
      "Internal error",
      "The service failed unexpectedly; the server log has the details. Nothing was changed by"
          + " the failed step."),
  DATABASE_UNAVAILABLE(
      "database-unavailable",
      503,
      "Database unavailable",
      "The database cannot be reached; try again after `Retry-After` seconds. GET /health shows"
          + " its state."),
  STORAGE_UNAVAILABLE(
      "storage-unavailable",
      503,
      "Object storage unavailable",
      "The bucket (STORAGE_BACKEND=s3) did not do what was asked: unreachable, credentials"
          + " refused, or an upload it no longer knows; `detail` names the setting at fault where"
          + " there is one. Nothing was kept: an upload's job row is rolled back with it."),
  INSUFFICIENT_STORAGE(
      "insufficient-storage",
      507,
      "Insufficient storage",
      "The data volume's free space, less this upload, would fall below STORAGE_MIN_FREE_MB;"
          + " nothing was kept."),
  OTHER(
      "http-error",
      0,
      "Error",
      "An HTTP error without a more specific kind; `status` and `detail` say what happened.");

  private final String slug;
  private final int status;
  private final String title;
  private final String description;

  ProblemType(String slug, int status, String title, String description) {
    this.slug = slug;
    this.status = status;
    this.title = title;
    this.description = description;
  }

  URI uri() {
    return URI.create("/problems/" + slug);
  }

  String slug() {
    return slug;
  }

  String title() {
    return title;
  }

  String description() {
    return description;
  }

  int status() {
    return status;
  }

  /** The kind of an answer with this status; a 400 naming no parameter is a malformed request. */
  static ProblemType of(int status, boolean namesAParameter) {
    if (status == 400) {
      return namesAParameter ? INVALID_PARAMETER : INVALID_REQUEST;
    }
    return Arrays.stream(values())
        .filter(type -> type.status == status && type != CROSS_SITE_REQUEST)
        .findFirst()
        .orElse(OTHER);
  }

  static Optional<ProblemType> bySlug(String slug) {
    return Arrays.stream(values()).filter(type -> type.slug.equals(slug)).findFirst();
  }

  /** A problem of this kind with its title; the status is this kind's unless it has none. */
  ProblemDetail problem(int status, String detail) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
    problem.setType(uri());
    problem.setTitle(title);
    return problem;
  }

  ProblemDetail problem(String detail) {
    return problem(status, detail);
  }
}
