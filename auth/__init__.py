"""Login (OpenID Connect, ID-porten/Ansattporten style), roles and the guards every view uses.

* ``auth.roles`` – who a viewer is and what each role may see (plain Python);
* ``auth.login`` – users, server-side logins, role resolution, organisation switching (plain Python);
* ``auth.oidc`` – the OpenID Connect client: discovery, PKCE, and every check of the answer;
* ``auth.guards`` / ``auth.views`` – the Flask glue: ``@public``/``@roles_required``, the
  viewer of each request, and /login, /login/callback, /logout, /logout/frontchannel,
  /min-innlogging, /bytt-organisasjon;
* ``auth.testid`` – the built-in test identity provider (development and tests only).
"""
