"""The feedback stream for staff: a filtered list and why each item scored as it did."""
