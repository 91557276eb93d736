"""The scripts here run for minutes and are started by hand, not by pytest."""

collect_ignore = ["kill_test.py"]
