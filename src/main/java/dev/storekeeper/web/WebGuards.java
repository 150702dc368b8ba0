package dev.storekeeper.web;

import dev.storekeeper.cleanup.RequestActivity;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The checks every request passes before Spring Security and Spring MVC see it, in this order: CORS
 * (preflights), cross-site refusal, then request bodies (refused or size-checked on their headers
 * alone, before anything reads them). Also replaces the servlet container's HTML error pages with
 * problem documents.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebGuards {

  /** After the character encoding and observation filters, before everything else. */
  private static final int FIRST = Ordered.HIGHEST_PRECEDENCE + 10;

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> corsFilter(WebProperties web) {
    return registration(
        CorsOrigins.filter(CorsOrigins.parse(web.corsAllowedOrigins())), "cors", FIRST);
  }

  /**
   * Takes {@link ClientAccess} although it does not use it: filters are created with the web
   * server, before the database and the scheduler, so an unsafe access setting stops the start
   * before anything else happens.
   */
  @Bean
  FilterRegistrationBean<OncePerRequestFilter> crossSiteFilter(
      WebProperties web, ClientAccess refusesUnsafeAccessFirst) {
    Set<Origin> allowed = CorsOrigins.parse(web.corsAllowedOrigins());
    return registration(new CrossSiteFilter(allowed), "crossSite", FIRST + 1);
  }

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> requestBodiesFilter(
      StorageLayout layout,
      StorageProperties storage,
      @Qualifier("requestMappingHandlerMapping")
          ObjectProvider<RequestMappingHandlerMapping> mappings) {
    BodyEndpoints endpoints = new BodyEndpoints(new UploadLimits(layout, storage));
    return registration(new RequestBodies(endpoints, mappings), "requestBodies", FIRST + 2);
  }

  /**
   * Tells the cleanup when requests are being answered, so that the service's own runs pace
   * themselves ({@code CLEANUP_BUSY_SHARE_PERCENT}). First of all filters: a request refused by a
   * later one still arrived.
   */
  @Bean
  FilterRegistrationBean<OncePerRequestFilter> requestActivityFilter(RequestActivity activity) {
    return registration(
        new OncePerRequestFilter() {
          @Override
          protected void doFilterInternal(
              HttpServletRequest request, HttpServletResponse response, FilterChain chain)
              throws ServletException, IOException {
            activity.started();
            try {
              chain.doFilter(request, response);
            } finally {
              activity.ended();
            }
          }
        },
        "requestActivity",
        FIRST - 1);
  }

  private static FilterRegistrationBean<OncePerRequestFilter> registration(
      OncePerRequestFilter filter, String name, int order) {
    FilterRegistrationBean<OncePerRequestFilter> registration =
        new FilterRegistrationBean<>(filter);
    registration.setName(name);
    registration.setOrder(order);
    return registration;
  }

  /**
   * Installs {@link ProblemErrorValve} as the host's only error report valve: Boot adds a stock
   * {@code ErrorReportValve} to the host (with stack traces off), and Tomcat adds another of its
   * configured class when the host starts unless one is there. Runs after Boot's customizer.
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorPages() {
    return new WebServerFactoryCustomizer<>() {
      @Override
      public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(
            context -> {
              Host host = (Host) context.getParent();
              for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorValve)) {
                  host.getPipeline().removeValve(valve);
                }
              }
              host.getPipeline().addValve(new ProblemErrorValve());
              if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemErrorValve.class.getName());
              }
            });
      }
    };
  }
}
