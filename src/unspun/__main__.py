"""``python -m unspun``."""

from unspun.cli import main

raise SystemExit(main())
