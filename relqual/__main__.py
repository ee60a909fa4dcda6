"""``python -m relqual``: the same as the ``relqual`` command."""
import sys

from .cli import main

sys.exit(main())
