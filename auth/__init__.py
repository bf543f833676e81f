"""Login (OpenID Connect, ID-porten/Ansattporten style), roles and the guards every view uses.

Plain Python lives in ``auth.roles`` (who a viewer is and what they may do); the Flask
glue (``auth.guards``, ``auth.views``) reads the request and calls it.
"""
