"""Allow ``python -m cxcs``."""

from cxcs.cli import main

if __name__ == "__main__":
    main()
