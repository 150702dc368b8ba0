package dev.storekeeper.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Public: health, the API description and the problem type pages. Admin (the admin token):
 * everything under {@code /cleanup}, {@code DELETE /jobs/{id}} and the actuator except health.
 * Everything else is a job endpoint: open or needing {@code API_TOKEN} (or the admin token) as
 * {@link ClientAccess} decided; an endpoint added later is covered without being listed. No token
 * is 401, a wrong one 403, too many wrong ones from one address 429, all as problem documents.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfig {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

  static final RequestMatcher PUBLIC =
      paths(
          "/health",
          "/health/",
          "/actuator/health",
          "/actuator/health/**",
          "/openapi.json",
          "/openapi.json/**",
          "/docs",
          "/docs/**",
          "/swagger-ui/**",
          "/problems/**",
          "/error");

  static final RequestMatcher ADMIN =
      new OrRequestMatcher(
          paths("/cleanup", "/cleanup/**", "/actuator", "/actuator/**", "/holds", "/holds/**"),
          PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.DELETE, "/jobs/*"),
          PathPatternRequestMatcher.withDefaults().matcher("/jobs/*/hold"));

  /**
   * One count of wrong tokens per address, shared by the bearer header and the dashboard's login
   * form, so that the form is not a second, unlimited door for guessing the admin token.
   */
  @Bean
  FailedAttempts failedAttempts(WebProperties web, Clock clock) {
    return new FailedAttempts(web.authFailuresPerMinute(), clock);
  }

  @Bean
  @Order(2)
  SecurityFilterChain filterChain(
      HttpSecurity http, AdminToken admin, ClientAccess clients, FailedAttempts failures)
      throws Exception {
    http.csrf(csrf -> csrf.disable())
        .cors(cors -> cors.disable()) // CORS, if configured, is answered before security
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            auth -> {
              auth.requestMatchers(PUBLIC).permitAll().requestMatchers(ADMIN).hasRole("ADMIN");
              if (clients.anonymousAllowed()) {
                auth.anyRequest().permitAll();
              } else {
                auth.anyRequest().hasRole("CLIENT");
              }
            })
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(
                        (request, response, e) -> {
                          if (request.getAttribute(BearerTokenFilter.REJECTED) != null) {
                            forbidden(request, response, "The token is not valid");
                          } else {
                            Problems.write(
                                response,
                                ProblemType.UNAUTHORIZED,
                                ADMIN.matches(request)
                                    ? "This endpoint needs the admin token: Authorization: Bearer"
                                        + " <token>"
                                    : "This endpoint needs a token: Authorization: Bearer"
                                        + " <API_TOKEN>",
                                request.getRequestURI());
                          }
                        })
                    .accessDeniedHandler(
                        (request, response, e) ->
                            forbidden(
                                request,
                                response,
                                request.getAttribute(BearerTokenFilter.REJECTED) != null
                                    ? "The token is not valid"
                                    : "API_TOKEN does not grant this endpoint: it needs the admin"
                                        + " token")))
        .addFilterBefore(
            new BearerTokenFilter(admin, clients, failures), AnonymousAuthenticationFilter.class);
    return http.build();
  }

  /**
   * The firewall refuses paths it cannot map to one resource safely ({@code //}, {@code ;}, dot
   * segments, encoded slashes) before any controller sees them: answer like every other bad
   * request, with a problem document, and without echoing the rejected path.
   */
  @Bean
  RequestRejectedHandler problemForRejectedRequests() {
    return (request, response, rejected) -> Problems.write(response, rejectedPath());
  }

  /** The answer to a path the firewall or the servlet container refuses. */
  static ProblemDetail rejectedPath() {
    return ProblemType.INVALID_REQUEST.problem(
        "The request path is not allowed: it contains an empty segment (//), a ';', a dot"
            + " segment, or an encoded '/', '\\', '%', '.' or NUL");
  }

  /**
   * No users: the tokens are the only credentials. Without this bean Boot creates a user with a
   * generated password and logs that password at every start.
   */
  @Bean
  UserDetailsService noUsers() {
    return new InMemoryUserDetailsManager();
  }

  private static RequestMatcher paths(String... patterns) {
    PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
    return new OrRequestMatcher(
        java.util.Arrays.stream(patterns).map(p -> (RequestMatcher) builder.matcher(p)).toList());
  }

  private static void forbidden(
      HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
    Problems.write(response, ProblemType.FORBIDDEN, detail, request.getRequestURI());
  }

  /**
   * Authenticates a request whose bearer token matches: the admin token grants the admin and the
   * job endpoints, {@code API_TOKEN} the job endpoints only. A wrong token leaves the request
   * anonymous and marked, so that where the rules ask for a token it is refused with 403 rather
   * than 401, and counts against its address; a blank token counts as none. Which paths need which
   * token is decided only by the rules.
   */
  static final class BearerTokenFilter extends OncePerRequestFilter {
    static final String REJECTED = BearerTokenFilter.class.getName() + ".rejected";

    private final AdminToken admin;
    private final ClientAccess clients;
    private final FailedAttempts failures;

    BearerTokenFilter(AdminToken admin, ClientAccess clients, FailedAttempts failures) {
      this.admin = admin;
      this.clients = clients;
      this.failures = failures;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String header = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String presented = header.substring(7).strip();
        if (!presented.isEmpty()) {
          String address = request.getRemoteAddr();
          Optional<Duration> blocked = failures.blockedFor(address);
          if (blocked.isPresent()) {
            tooManyFailures(request, response, blocked.get());
            return;
          }
          if (admin.matches(presented)) {
            authenticate("admin", "ROLE_ADMIN", "ROLE_CLIENT");
          } else if (clients.matchesApiToken(presented)) {
            authenticate("client", "ROLE_CLIENT");
          } else {
            request.setAttribute(REJECTED, Boolean.TRUE);
            if (failures.fail(address)) {
              log.warn(
                  "{} requests with a wrong bearer token from {} within a minute: its token"
                      + " requests are refused (429) for the rest of that minute",
                  failures.limit(),
                  address);
            }
          }
        }
      }
      chain.doFilter(request, response);
    }

    private static void authenticate(String name, String... roles) {
      Authentication authentication =
          UsernamePasswordAuthenticationToken.authenticated(
              name, null, java.util.Arrays.stream(roles).map(SimpleGrantedAuthority::new).toList());
      SecurityContextHolder.getContext().setAuthentication(authentication);
    }

    private void tooManyFailures(
        HttpServletRequest request, HttpServletResponse response, Duration left)
        throws IOException {
      long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
      response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
      Problems.write(
          response,
          ProblemType.TOO_MANY_FAILED_ATTEMPTS,
          "Too many requests with a wrong token from this address (%d within a minute); requests with a token are refused for %d s"
              .formatted(failures.limit(), seconds),
          request.getRequestURI());
    }
  }
}
