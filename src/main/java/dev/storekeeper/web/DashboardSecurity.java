package dev.storekeeper.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The dashboard's door, a filter chain of its own in front of the API's ({@link SecurityConfig}):
 * it covers {@code /dashboard/**}, the chart library under {@code /webjars/**}, and {@code GET /}
 * from a browser (a request that asks for {@code text/html}). Everything else, the whole JSON API
 * included, stays with the bearer-token chain, which is stateless and never reads the session: a
 * dashboard session grants the dashboard's pages and forms, never an API endpoint.
 *
 * <p>The login form takes the admin token once (compared in constant time by {@link AdminToken},
 * wrong ones counted by the same {@link FailedAttempts} as wrong bearer tokens) and keeps an
 * authenticated server-side session; the cookie is {@code HttpOnly}, {@code SameSite=Strict},
 * {@code Secure} on HTTPS and scoped to {@code /dashboard} (application.properties). Every POST
 * carries a CSRF token (the session's, put into each form by Thymeleaf); one without is refused
 * with 403 even with a valid session cookie.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class DashboardSecurity {

  private static final Logger log = LoggerFactory.getLogger(DashboardSecurity.class);

  static final String LOGIN = "/dashboard/login";
  static final String SESSION_COOKIE = "STOREKEEPER_SESSION";

  /**
   * Scripts, styles and images only from this service: the page works offline, and injected markup
   * cannot load or run anything.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  /** A browser asking for the root: it is sent to the dashboard. API clients get what they got. */
  static final RequestMatcher BROWSER_AT_ROOT =
      request ->
          "GET".equals(request.getMethod())
              && "/".equals(request.getRequestURI())
              && acceptsHtml(request);

  static final RequestMatcher DASHBOARD =
      new OrRequestMatcher(paths("/dashboard", "/dashboard/**", "/webjars/**"), BROWSER_AT_ROOT);

  @Bean
  @Order(1)
  SecurityFilterChain dashboardChain(HttpSecurity http, AdminToken admin, FailedAttempts failures)
      throws Exception {
    http.securityMatcher(DASHBOARD)
        .authenticationManager(new ProviderManager(new TokenLogin(admin, failures)))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers(paths(LOGIN, "/dashboard/assets/**", "/webjars/**"))
                    .permitAll()
                    .requestMatchers(BROWSER_AT_ROOT)
                    .permitAll()
                    .anyRequest()
                    .hasRole("ADMIN"))
        .formLogin(
            form ->
                form.loginPage(LOGIN)
                    .usernameParameter("username")
                    .passwordParameter("token")
                    .defaultSuccessUrl("/dashboard", true)
                    .failureHandler(
                        (request, response, e) ->
                            response.sendRedirect(
                                LOGIN + (e instanceof LockedException ? "?blocked" : "?error"))))
        .logout(
            logout ->
                logout
                    .logoutRequestMatcher(
                        PathPatternRequestMatcher.withDefaults()
                            .matcher(HttpMethod.POST, "/dashboard/logout"))
                    .logoutSuccessUrl(LOGIN + "?logout")
                    .invalidateHttpSession(true)
                    .deleteCookies(SESSION_COOKIE))
        .httpBasic(basic -> basic.disable())
        .requestCache(cache -> cache.disable())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
        .headers(
            headers ->
                headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(LOGIN))
                    .accessDeniedHandler(
                        (request, response, e) ->
                            Problems.write(
                                response,
                                ProblemType.FORBIDDEN,
                                "The form's CSRF token is missing or no longer valid (the session"
                                    + " may have ended): reload the dashboard and try again",
                                request.getRequestURI())));
    return http.build();
  }

  static boolean acceptsHtml(HttpServletRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
  }

  private static RequestMatcher paths(String... patterns) {
    PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
    List<RequestMatcher> matchers =
        java.util.Arrays.stream(patterns).map(p -> (RequestMatcher) builder.matcher(p)).toList();
    return new OrRequestMatcher(matchers);
  }

  /**
   * Checks the token typed into the login form. A blocked address is refused before the token is
   * looked at, as for bearer tokens; a wrong token counts against the address; a blank one is
   * refused without counting, like a missing header.
   */
  static final class TokenLogin implements AuthenticationProvider {
    private final AdminToken admin;
    private final FailedAttempts failures;

    TokenLogin(AdminToken admin, FailedAttempts failures) {
      this.admin = admin;
      this.failures = failures;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
      String address =
          attempt.getDetails() instanceof WebAuthenticationDetails details
              ? details.getRemoteAddress()
              : null;
      if (failures.blockedFor(address).isPresent()) {
        throw new LockedException("Too many wrong tokens from this address");
      }
      String token = attempt.getCredentials() == null ? "" : attempt.getCredentials().toString();
      if (!token.isBlank()) {
        if (admin.matches(token.strip())) {
          return UsernamePasswordAuthenticationToken.authenticated(
              "admin",
              null,
              List.of(
                  new SimpleGrantedAuthority("ROLE_ADMIN"),
                  new SimpleGrantedAuthority("ROLE_CLIENT")));
        }
        if (failures.fail(address)) {
          log.warn(
              "{} wrong admin tokens from {} within a minute (bearer header or dashboard login):"
                  + " its logins and token requests are refused for the rest of that minute",
              failures.limit(),
              address);
        }
      }
      throw new BadCredentialsException("The token is not valid");
    }

    @Override
    public boolean supports(Class<?> type) {
      return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
    }
  }
}
