"""`python -m bot` is the same as `partner-coach`."""

from bot.cli import main

raise SystemExit(main())
