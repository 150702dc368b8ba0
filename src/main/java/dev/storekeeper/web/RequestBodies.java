package dev.storekeeper.web;

import dev.storekeeper.web.BodyEndpoints.BodyEndpoint;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Refuses request bodies where none belong, before anything reads or spools them. Every endpoint
 * takes its parameters from the query string only; a body sent anyway would be ignored, and an
 * ignored {@code {"dry_run": true}} turned a dry run into a real cleanup. So any request with a
 * body (a {@code Content-Length} above 0, or chunked) to an endpoint not in {@link BodyEndpoints}
 * is 415, naming the endpoint's parameters; form-encoded bodies too, rather than being read as
 * parameters on some endpoints and not on others. The endpoints in the table get their own checks
 * (the upload's size and free space) on the headers alone.
 *
 * <p>Runs first among the filters, so that nothing before it has asked for a parameter (which would
 * read a form or multipart body).
 */
final class RequestBodies extends org.springframework.web.filter.OncePerRequestFilter {

  private final BodyEndpoints endpoints;
  private final ObjectProvider<RequestMappingHandlerMapping> mappings;

  RequestBodies(BodyEndpoints endpoints, ObjectProvider<RequestMappingHandlerMapping> mappings) {
    this.endpoints = endpoints;
    this.mappings = mappings;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    boolean chunked = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    boolean hasBody = length > 0 || chunked;
    Optional<BodyEndpoint> endpoint = endpoints.find(request);
    if (endpoint.isEmpty()) {
      if (hasBody) {
        Problems.write(
            response, Problems.withInstance(noBodyTaken(request), request.getRequestURI()));
        return;
      }
    } else if (hasBody) {
      Optional<ProblemDetail> refusal = refuse(endpoint.get(), request, chunked ? -1 : length);
      if (refusal.isPresent()) {
        Problems.write(response, Problems.withInstance(refusal.get(), request.getRequestURI()));
        return;
      }
    }
    chain.doFilter(request, response);
  }

  private static Optional<ProblemDetail> refuse(
      BodyEndpoint endpoint, HttpServletRequest request, long length) {
    MediaType type;
    try {
      type =
          request.getContentType() == null
              ? null
              : MediaType.parseMediaType(request.getContentType());
    } catch (IllegalArgumentException unparseable) {
      type = null;
    }
    if (type == null || !endpoint.mediaType().includes(type)) {
      ProblemDetail problem =
          ProblemType.BODY_NOT_ACCEPTED.problem(
              "%s %s takes %s"
                  .formatted(
                      endpoint.method(),
                      endpoint.paths().get(0).getPatternString(),
                      endpoint.takes()));
      problem.setProperty("parameter", "file");
      return Optional.of(problem);
    }
    return endpoint.check().check(request, length);
  }

  /** 415 naming where the endpoint's parameters go, and which they are. */
  private ProblemDetail noBodyTaken(HttpServletRequest request) {
    Optional<Handler> handler = handler(request);
    String endpoint =
        request.getMethod() + " " + handler.map(Handler::pattern).orElse("this endpoint");
    List<String> parameters = handler.map(Handler::parameters).orElse(List.of());
    String detail;
    if (handler.isEmpty()) {
      detail =
          "Only POST /upload takes a request body; parameters go in the query string (?name=value)";
    } else if (parameters.isEmpty()) {
      detail = endpoint + " takes no request body and no parameters";
    } else {
      detail =
          "%s takes no request body: give its parameters in the query string (?name=value&...):"
                  .formatted(endpoint)
              + " "
              + String.join(", ", parameters);
    }
    ProblemDetail problem = ProblemType.BODY_NOT_ACCEPTED.problem(detail);
    problem.setProperty("parameters", parameters);
    return problem;
  }

  private record Handler(String pattern, List<String> parameters) {}

  /**
   * The controller method the request would reach, to name its query parameters. Only asked when
   * the request is refused, so nothing else sees the attributes the lookup leaves behind.
   */
  private Optional<Handler> handler(HttpServletRequest request) {
    try {
      RequestMappingHandlerMapping mapping = mappings.getIfAvailable();
      if (mapping == null) {
        return Optional.empty();
      }
      if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
        ServletRequestPathUtils.parseAndCache(request);
      }
      HandlerExecutionChain chain = mapping.getHandler(request);
      if (chain == null || !(chain.getHandler() instanceof HandlerMethod method)) {
        return Optional.empty();
      }
      Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
      TreeSet<String> names = new TreeSet<>();
      for (MethodParameter parameter : method.getMethodParameters()) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null) {
          parameter.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
          String name = param.name().isEmpty() ? parameter.getParameterName() : param.name();
          if (name != null) {
            names.add(name);
          }
        }
      }
      return Optional.of(
          new Handler(
              pattern == null ? request.getRequestURI() : pattern.toString(),
              new ArrayList<>(names)));
    } catch (Exception noHandler) {
      // a wrong method, an unknown path: answer without naming parameters
      return Optional.empty();
    }
  }
}
