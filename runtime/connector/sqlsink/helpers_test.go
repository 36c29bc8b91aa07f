package sqlsink_test

import "sync/atomic"

// countingInt is an atomic counter for the query counts of LookupCache.
type countingInt struct{ atomic.Int64 }
