package dev.storekeeper.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /openapi.json}, Swagger UI at {@code /docs}): public, like the job
 * endpoints. The {@code admin} scheme is the bearer token that operations marked with it need;
 * {@code client} the one job endpoints need when API_TOKEN is set. The one server is {@code /},
 * relative to wherever the document was fetched from: a server computed from the request's Host
 * header would let whoever sends the request choose the URL the document points clients at. Schemas
 * use snake_case property names, as the answers do ({@code
 * spring.jackson.property-naming-strategy}); springdoc reads models with its own Jackson 2 mapper,
 * which does not see that setting.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class OpenApiConfig {

  @Bean
  ModelResolver snakeCaseModelResolver() {
    return new ModelResolver(
            Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
        .openapi31(true);
  }

  @Bean
  OpenAPI storekeeperOpenApi() {
    return new OpenAPI()
        .servers(List.of(new Server().url("/")))
        .info(
            new Info()
                .title("Storekeeper")
                .version("0.1.0")
                .description(
                    "Uploads become processing jobs; their results are kept and cleaned up by"
                        + " retention. Errors are RFC 9457 problem documents; `parameter` names"
                        + " the request parameter at fault."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "admin",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "The admin token: ADMIN_TOKEN, or when unset the token generated in"
                                + " DATA_DIR/admin-token"))
                .addSecuritySchemes(
                    "client",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "API_TOKEN (or the admin token): needed by the job endpoints when"
                                + " API_TOKEN is set; without it they are open while the service"
                                + " listens on loopback only")));
  }
}
