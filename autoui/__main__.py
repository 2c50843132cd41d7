from autoui.cli import main

raise SystemExit(main())
