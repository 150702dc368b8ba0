package dev.storekeeper.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Public: uploads, job reads, health, docs. Admin (bearer token): everything under {@code
 * /cleanup}, {@code DELETE /jobs/{id}}, and the actuator except health. No token is 401, a wrong
 * one 403, both as problem documents.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class SecurityConfig {

  @Bean
  SecurityFilterChain filterChain(HttpSecurity http, AdminToken token) throws Exception {
    http.csrf(csrf -> csrf.disable())
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/cleanup", "/cleanup/**", "/actuator", "/actuator/**")
                    .hasRole("ADMIN")
                    .requestMatchers(HttpMethod.DELETE, "/jobs/*")
                    .hasRole("ADMIN")
                    .anyRequest()
                    .permitAll())
        .exceptionHandling(
            errors ->
                errors
                    .authenticationEntryPoint(
                        (request, response, e) -> {
                          if (request.getAttribute(BearerTokenFilter.REJECTED) != null) {
                            forbidden(request, response);
                          } else {
                            Problems.write(
                                response,
                                401,
                                "Unauthorized",
                                "This endpoint needs the admin token: Authorization: Bearer"
                                    + " <token>",
                                request.getRequestURI());
                          }
                        })
                    .accessDeniedHandler((request, response, e) -> forbidden(request, response)))
        .addFilterBefore(new BearerTokenFilter(token), AnonymousAuthenticationFilter.class);
    return http.build();
  }

  /**
   * The firewall refuses paths it cannot map to one resource safely ({@code //}, {@code ;}, dot
   * segments, encoded slashes) before any controller sees them: answer like every other bad
   * request, with a problem document, and without echoing the rejected path.
   */
  @Bean
  RequestRejectedHandler problemForRejectedRequests() {
    return (request, response, rejected) ->
        Problems.write(
            response,
            400,
            "Invalid request",
            "The request path is not allowed: it contains an empty segment (//), a ';', a dot"
                + " segment, or an encoded '/', '\\', '%' or '.'",
            null);
  }

  /**
   * No users: the admin token is the only credential. Without this bean Boot creates a user with a
   * generated password and logs that password at every start.
   */
  @Bean
  UserDetailsService noUsers() {
    return new InMemoryUserDetailsManager();
  }

  private static void forbidden(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Problems.write(
        response, 403, "Forbidden", "The admin token is not valid", request.getRequestURI());
  }

  /**
   * Authenticates a request whose bearer token matches. A wrong token leaves the request anonymous
   * and marked, so that where the rules above ask for the admin it is refused with 403 rather than
   * 401; a blank token counts as none. Which paths need the admin is decided only by the rules.
   */
  static final class BearerTokenFilter extends OncePerRequestFilter {
    static final String REJECTED = BearerTokenFilter.class.getName() + ".rejected";

    private final AdminToken token;

    BearerTokenFilter(AdminToken token) {
      this.token = token;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String header = request.getHeader("Authorization");
      if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String presented = header.substring(7).strip();
        if (token.matches(presented)) {
          SecurityContextHolder.getContext()
              .setAuthentication(
                  UsernamePasswordAuthenticationToken.authenticated(
                      "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        } else if (!presented.isEmpty()) {
          request.setAttribute(REJECTED, Boolean.TRUE);
        }
      }
      chain.doFilter(request, response);
    }
  }
}
