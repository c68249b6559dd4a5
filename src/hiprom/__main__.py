from hiprom.cli import main

if __name__ == "__main__":  # not when a spawned job process imports the main module (hiprom.web.jobs)
    raise SystemExit(main())
