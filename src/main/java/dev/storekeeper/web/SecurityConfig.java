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
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
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
                        (request, response, e) ->
                            Problems.write(
                                response,
                                401,
                                "Unauthorized",
                                "This endpoint needs the admin token: Authorization: Bearer <token>",
                                request.getRequestURI()))
                    .accessDeniedHandler(
                        (request, response, e) ->
                            Problems.write(
                                response,
                                403,
                                "Forbidden",
                                "The admin token is not valid",
                                request.getRequestURI())))
        .addFilterBefore(new BearerTokenFilter(token), AnonymousAuthenticationFilter.class);
    return http.build();
  }

  /**
   * Authenticates a correct bearer token; a wrong one stays anonymous but is remembered as such.
   */
  static final class BearerTokenFilter extends OncePerRequestFilter {
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
        if (token.matches(header.substring(7).strip())) {
          SecurityContextHolder.getContext()
              .setAuthentication(
                  UsernamePasswordAuthenticationToken.authenticated(
                      "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        } else if (needsAdmin(request)) {
          Problems.write(
              response, 403, "Forbidden", "The admin token is not valid", request.getRequestURI());
          return;
        }
      }
      chain.doFilter(request, response);
    }

    private static boolean needsAdmin(HttpServletRequest request) {
      String path = request.getRequestURI().substring(request.getContextPath().length());
      boolean health = path.equals("/actuator/health") || path.startsWith("/actuator/health/");
      return (path.equals("/cleanup")
              || path.startsWith("/cleanup/")
              || ((path.equals("/actuator") || path.startsWith("/actuator/")) && !health))
          || ("DELETE".equals(request.getMethod()) && path.matches("/jobs/[^/]+/?"));
    }
  }
}
