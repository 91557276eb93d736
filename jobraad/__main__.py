"""`python -m jobraad`: the headless command line."""

import sys

from jobraad.cli import main

sys.exit(main())
