"""Login (OpenID Connect, ID-porten/Ansattporten style), roles and the guards every view uses.

* ``catalogue.viewer`` – who a viewer is and what each role may see (the domain's);
* ``auth.login`` – users, server-side logins, role resolution, organisation switching (plain Python);
* ``auth.oidc`` – the OpenID Connect client: discovery, PKCE, and every check of the answer;
* ``auth.guards`` – the Flask glue every view uses: ``@public``/``@roles_required`` and the
  viewer of each request (set by ``marketplace.views.login``, which has /login, /logout …);
* ``auth.testid`` – the built-in test identity provider (development and tests only; its pages
  are ``marketplace.views.testid``).
"""
