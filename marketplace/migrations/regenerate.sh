#!/usr/bin/env bash
# Regenerate the initial migration from the models. Only while nothing is deployed:
# once a database exists in production, changes get migrations of their own.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
rm -f marketplace/migrations/versions/0001_initial.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from marketplace.migrate import alembic_config
cfg = alembic_config(f"sqlite:///{sys.argv[1]}/empty.db")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001_initial")
import glob, os
for f in glob.glob("marketplace/migrations/versions/0001_initial_*.py"):
    os.rename(f, "marketplace/migrations/versions/0001_initial.py")
PY
rm -rf "$tmp"
echo "marketplace/migrations/versions/0001_initial.py regenerated"
