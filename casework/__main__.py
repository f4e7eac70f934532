"""`python -m casework` is the `casework` command."""
from casework.cli.app import main

main()
