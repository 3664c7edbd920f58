"""``python -m newscrawl`` runs the command line."""

from __future__ import annotations

import sys

from newscrawl.cli import main

sys.exit(main())
