"""A run against a real target as evidence: what it answered on the table's unsure rows
(`observations`) and the table change that would follow it (`proposal`)."""
