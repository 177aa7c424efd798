#!/usr/bin/env python
from planstatus.cli import main

if __name__ == "__main__":
    main()
