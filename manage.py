#!/usr/bin/env python
from luodi.__main__ import main

if __name__ == "__main__":
    main()
