"""Flask extensions, created unbound and initialised in the app factory."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Storage is chosen in create_app: Redis when REDIS_URL is set (shared by all worker
# processes), memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
