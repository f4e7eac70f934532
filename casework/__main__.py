"""`python -m casework` is the `casework` command."""
from casework.cli import main

main()
