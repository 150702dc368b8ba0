package dev.storekeeper.dashboard;

/** The dashboard's login form for tests in other packages: where each login attempt leads. */
public final class LoginForm {

  private final int port;

  public LoginForm(int port) {
    this.port = port;
  }

  /** Logs in with a fresh session; answers the Location the login redirects to. */
  public String login(String token) {
    return new FormSession(port).login(token).header("Location");
  }
}
