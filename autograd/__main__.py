"""`python -m autograd` runs the `backproplab` command."""

import sys

from .cli import main

sys.exit(main())
