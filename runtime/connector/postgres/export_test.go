package postgres

// ParseCopyTargetForTest reports whether the sink would run sql with COPY.
func ParseCopyTargetForTest(sql string) bool { return parseCopyTarget(sql) != nil }
