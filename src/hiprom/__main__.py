from hiprom.cli import main

raise SystemExit(main())
