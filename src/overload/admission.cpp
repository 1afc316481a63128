// Admission is header-only (priority_levels.cpp holds the counting).
