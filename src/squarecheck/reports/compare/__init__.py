"""What reads more than one run: `diff` (two runs), `baseline` (a run against an earlier one's
known failures) and `merge` (shard runs into one run folder)."""
