"""Kept for branches written before the viewer moved into the domain: import ``catalogue.viewer``."""
from catalogue.viewer import (ANONYMOUS, ANONYMOUS_VIEWER, AUTHENTICATED_ROLES, BUYER, MANAGER, NO_ROLE,  # noqa: F401
                              ROLE_LABELS, SUPPLIER, Viewer)
