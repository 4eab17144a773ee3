"""``python -m aiprov``: the same as the ``aiprov`` command."""

import sys

from aiprov.cli import main

sys.exit(main())
