# The matching engine's results, jobs and evaluation arrive with the matching issue.
